"""The keyscan drill: the API key appears in no file and no output."""
import base64
import os

from .albums import Album
from .harness import KEY_ENV, Simulator


def key_patterns(key):
    raw = key.encode()
    patterns = {"raw": raw, "hex": raw.hex().encode()}
    for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        patterns[name] = encode(raw).rstrip(b"=")
        patterns[f"{name} Bearer"] = encode(b"Bearer " + raw).rstrip(b"=")
        for shift in (1, 2):
            # The key inside a longer base64 text: the characters that depend on the key alone.
            encoded = encode(b"\0" * shift + raw)
            patterns[f"{name}+{shift}"] = encoded[4:-4]
    return patterns


def scan(ctx, directories):
    patterns = {}
    for label, key in (("key", ctx.key), ("rejected key", ctx.wrong_key)):
        for name, pattern in key_patterns(key).items():
            patterns[f"{label} ({name})"] = pattern
    files = 0
    hits = []
    for directory in directories:
        for parent, _, names in os.walk(directory):
            for name in names:
                path = os.path.join(parent, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    continue
                files += 1
                for label, pattern in patterns.items():
                    if pattern in data:
                        hits.append(f"{os.path.relpath(path, directory)}: {label}")
    return files, hits


def drill_keyscan(ctx, figures):
    base = ctx.directory("keyscan")
    simulator = Simulator(ctx, base, "keyscan", seed=ctx.seed + 3, speed=200,
                          faults="5xx=0.1,drop=0.05,lost=0.05,fail=0.1,malformed=0.05")
    lines = []
    ok = True
    try:
        album = Album(ctx, os.path.join(base, "album"), simulator.url)
        metrics = os.path.join(album.dir, "setlist.prom")
        first = ctx.run(["run", album.manifest, "--log-format", "json", "--metrics-file", metrics], album.dir,
                        "json-run", timeout=300)
        simulator.set_faults("")
        key_file = os.path.join(ctx.secrets, "key")
        with open(key_file, "w") as handle:
            handle.write(ctx.key + "\n")
        env = dict(ctx.env)
        del env[KEY_ENV]
        second = ctx.run(["run", album.manifest, "--api-key-file", key_file, "--force", "driftwood",
                          "--metrics-file", metrics], album.dir, "key-file-run", timeout=300, env=env)
        wrong_env = dict(ctx.env)
        wrong_env[KEY_ENV] = ctx.wrong_key
        rejected = ctx.run(["run", album.manifest, "--force", "tidewater", "--log-format", "json"], album.dir,
                           "rejected-key-run", timeout=120, env=wrong_env)
        status = ctx.run(["status", album.manifest], album.dir, "status", timeout=60)
        status_json = ctx.run(["status", album.manifest, "--json"], album.dir, "status-json", timeout=60)
        report = ctx.run(["report", album.manifest], album.dir, "report", timeout=60)
        plan = ctx.run(["plan", album.manifest, "--format", "json"], album.dir, "plan", timeout=60)
        lines.append(f"runs: --log-format json --metrics-file under faults exit {first.rc}; --api-key-file exit "
                     f"{second.rc}; rejected key exit {rejected.rc} (3 expected); status {status.rc}, status --json "
                     f"{status_json.rc}, report {report.rc}, plan {plan.rc}")
        ok = rejected.rc == 3 and second.rc == 0 and first.rc in (0, 1) and report.rc == 0 and status.rc == 0
    finally:
        simulator.stop()
    # Control: the scanner must find the key where it is known to be: the --api-key-file, and a canary holding it
    # inside a longer base64 text (as an HTTP Basic header would).
    with open(os.path.join(ctx.secrets, "canary"), "wb") as handle:
        handle.write(b"Authorization: Basic " + base64.b64encode(b"x:" + ctx.key.encode()) + b"\n")
    _, control_hits = scan(ctx, [ctx.secrets])
    control_ok = any(hit.endswith("key (raw)") for hit in control_hits) and \
        any("canary: key (base64+2)" in hit for hit in control_hits)
    files, hits = scan(ctx, [ctx.root])
    lines.append(f"scanned every file under the drill root {ctx.root} (ledgers, journals, locks, media, album "
                 "pages, metrics, HOME and TMPDIR of every run, every captured stdout/stderr and simulator log) "
                 f"for both keys as raw text, hex, base64 and base64url at three alignments")
    lines.append("control: the scanner finds the key in the --api-key-file and inside a base64 canary (kept outside "
                 f"the drill root): {'yes' if control_ok else 'NO'}")
    lines += [f"hit: {hit}" for hit in hits[:10]]
    figures.add(f"keyscan: {files} files scanned, {len(hits)} hits", ok and control_ok and not hits, lines)
    ctx.summary["keyscan"] = {"files": files, "hits": hits}
