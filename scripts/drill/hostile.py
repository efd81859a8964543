"""The hostile drill: careless or hostile input (issue 13, findings 1-9)."""
import hashlib
import json
import os
import re
import signal
import stat
import subprocess

from .albums import Album
from .audit import audit, clean, first_error, issues
from .harness import EXIT_TRY_LATER, KEY_ENV, Simulator
from .invalid import LOCATED, diagnostics


def hostile_paid(simulator):
    """Paid submissions the simulator created so far (replays under an idempotency key charge nothing)."""
    return simulator.stats().get("paid_submissions", {}).get("created", 0)


def hostile_fingerprint(path):
    """What is at `path` without following a symlink or opening a pipe: None, a link target, a FIFO, or the
    sha256 of a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link -> " + os.readlink(path)
    if stat.S_ISFIFO(mode):
        return "fifo"
    with open(path, "rb") as handle:
        return "sha256 " + hashlib.sha256(handle.read()).hexdigest()


def hostile_fingerprints(paths):
    return {path: hostile_fingerprint(path) for path in paths}


def hostile_leaks(results, *values):
    """How many of the captured outputs contain any of `values`."""
    return sum(1 for result in results if any(value in result.text for value in values))


def hostile_errors_on(result, line):
    """Whether `result` printed a located error on manifest line `line`."""
    return any(d["sev"] == "error" and int(d["line"]) == line for d in diagnostics(result.text))


def hostile_sentence(result):
    """The first error a command printed: a located diagnostic, or an `error:`/`Error:` line (a usage error)."""
    lines = result.text.splitlines()
    located = [line for line in lines if LOCATED.match(line) and LOCATED.match(line).group("sev") == "error"]
    plain = [line for line in lines if line.lower().startswith("error:")]
    return (located + plain + [first_error(result)])[0][:300]


def hostile_variant(album, name, old, new):
    """A copy of `album`'s manifest beside it with `old` replaced by `new`; returns its path."""
    assert old in album.text, old
    path = os.path.join(album.dir, f"{name}.yaml")
    with open(path, "w") as handle:
        handle.write(album.text.replace(old, new, 1))
    return path


def hostile_leftovers(directory):
    """Lock files and ledgers in `directory` (not below it)."""
    return sorted(name for name in os.listdir(directory) if name.endswith(".lock") or ".ledger.json" in name)


def hostile_shared_ledger(ctx, figures, base):
    """Finding 1: two manifests naming one ledger, given together and one after the other."""
    simulator = Simulator(ctx, base, "shared-ledger", seed=ctx.seed + 1301, speed=200)
    try:
        directory = os.path.join(base, "shared-ledger")
        ledger = os.path.join(directory, "shared.ledger.json")
        a = Album(ctx, directory, simulator.url, name="a", ledger="shared.ledger.json", album_title="Side A")
        b = Album(ctx, directory, simulator.url, name="b", ledger="shared.ledger.json", album_title="Side B")
        together = ctx.run(["run", a.manifest, b.manifest], directory, "run-a-and-b", timeout=120)
        paid_together = hostile_paid(simulator)
        first = ctx.run(["run", a.manifest], directory, "run-a", timeout=240)
        paid_a = hostile_paid(simulator)
        before = hostile_fingerprints([ledger, ledger + ".journal"])
        second = ctx.run(["run", b.manifest], directory, "run-b-after-a", timeout=120)
        paid_b = hostile_paid(simulator) - paid_a
        unchanged = hostile_fingerprints(before) == before
    finally:
        simulator.stop()
    names_both = "a.yaml" in together.text and "b.yaml" in together.text
    owner = "belongs to the manifest a.yaml" in second.text
    passed = (together.rc == 2 and names_both and paid_together == 0 and first.rc == 0 and paid_a > 0
              and second.rc == 2 and owner and paid_b == 0 and unchanged and before[ledger] is not None)
    figures.add(f"hostile 1 shared ledger: `run a.yaml b.yaml` exit {together.rc} naming both "
                f"{'yes' if names_both else 'no'}, {paid_together} paid; b.yaml after a.yaml exit {second.rc} "
                f"naming the owner {'yes' if owner else 'no'}, {paid_b} paid, ledger "
                f"{'unchanged' if unchanged else 'CHANGED'}", passed,
                [f"run a.yaml b.yaml: {hostile_sentence(together)}",
                 f"control: run a.yaml alone exit {first.rc}, {paid_a} paid",
                 f"run b.yaml: {hostile_sentence(second)}"])


def hostile_lyrics_files(ctx, figures, base):
    """Finding 2: lyrics_file aimed at secrets, outside the folder, a FIFO and binary data."""
    simulator = Simulator(ctx, base, "lyrics-file", seed=ctx.seed + 1302, speed=200)
    try:
        album = Album(ctx, os.path.join(base, "lyrics-file"), simulator.url)
        line = album.text.split("\n").index('    lyrics_file: "lyrics/harbor-lights.txt"') + 1
        os.symlink("/proc/self/environ", os.path.join(album.dir, "lyrics", "link-out.txt"))
        os.mkfifo(os.path.join(album.dir, "lyrics", "fifo.txt"))
        with open(os.path.join(album.dir, "lyrics", "nul.txt"), "wb") as handle:
            handle.write(b"[Verse]\nla la\0la\n")
        targets = ["/proc/self/environ", "/etc/passwd", "../../../etc/passwd", "lyrics/link-out.txt",
                   "lyrics/fifo.txt", "lyrics/nul.txt"]
        results = []
        refused = []
        for index, target in enumerate(targets):
            path = hostile_variant(album, f"lyrics-{index}", '"lyrics/harbor-lights.txt"', json.dumps(target))
            validate = ctx.run(["validate", path], album.dir, f"validate-lyrics-{index}", timeout=30)
            run = ctx.run(["run", path], album.dir, f"run-lyrics-{index}", timeout=30)
            results += [validate, run]
            ok = (validate.rc == 2 and hostile_errors_on(validate, line) and run.rc == 2
                  and hostile_errors_on(run, line))
            refused.append((ok, f"{target}: validate exit {validate.rc}, run exit {run.rc}: "
                                f"{hostile_sentence(validate)}"))
        paid = hostile_paid(simulator)
        bodies = sum(1 for task in simulator.tasks() if ctx.key in json.dumps(task["request"]))
    finally:
        simulator.stop()
    good = sum(1 for ok, _ in refused if ok)
    leaks = hostile_leaks(results, ctx.key)
    figures.add(f"hostile 2 lyrics_file: {good} of {len(targets)} refused with a located sentence, {paid} paid, "
                f"key in {leaks} outputs and {bodies} request bodies",
                good == len(targets) and paid == 0 and leaks == 0 and bodies == 0,
                [detail for _, detail in refused])


def hostile_requested_files(ctx, figures, base):
    """Finding 3: --metrics-file and report -o aimed at the ledger, the manifest, a link and a FIFO."""
    simulator = Simulator(ctx, base, "requested-files", seed=ctx.seed + 1303, speed=200)
    try:
        album = Album(ctx, os.path.join(base, "requested-files"), simulator.url)
        # One job done, so the ledger exists and the attacks below would have paid work to do were they let run.
        partial = ctx.run(["run", album.manifest, "--only", "salt-and-sun"], album.dir, "partial", timeout=120)
        paid_before = hostile_paid(simulator)
        link = os.path.join(album.dir, "metrics-link.prom")
        os.symlink(os.path.basename(album.ledger), link)
        fifo = os.path.join(album.dir, "metrics.fifo")
        os.mkfifo(fifo)
        before = hostile_fingerprints([album.ledger, album.journal, album.manifest, link, fifo])
        # (what, command, what the refusal must say)
        attacks = [("--metrics-file the ledger", ["run", album.manifest, "--metrics-file", album.ledger],
                    "names a ledger"),
                   ("--metrics-file the manifest", ["run", album.manifest, "--metrics-file", album.manifest],
                    "names the manifest"),
                   ("--metrics-file a link to the ledger", ["run", album.manifest, "--metrics-file", link],
                    "is a symbolic link"),
                   ("--metrics-file a FIFO", ["run", album.manifest, "--metrics-file", fifo], "(FIFO)"),
                   ("report -o the manifest", ["report", album.manifest, "-o", album.manifest],
                    "names the manifest")]
        results = [(label, ctx.run(args, album.dir, f"attack-{index}", timeout=30), says)
                   for index, (label, args, says) in enumerate(attacks)]
        paid = hostile_paid(simulator) - paid_before
        after = hostile_fingerprints(before)
    finally:
        simulator.stop()
    refused = sum(1 for _, result, says in results if result.rc == 2 and says in hostile_sentence(result))
    changed = [path for path in before if after[path] != before[path]]
    figures.add(f"hostile 3 requested files: {refused} of {len(attacks)} refused with exit 2 and a sentence "
                f"naming what the target is, {len(changed)} of "
                f"{len(before)} targets changed, {paid} paid",
                partial.rc == 0 and before[album.ledger] is not None and refused == len(attacks) and not changed
                and paid == 0,
                [f"{label}: exit {result.rc}{' (hung)' if result.hung else ''}: {hostile_sentence(result)}"
                 for label, result, _ in results] + [f"changed: {path}" for path in changed])


def hostile_out_folder(ctx, album):
    """The folder under out-sim/ a simulated run of one song of `album` writes into (None unless exactly one)."""
    ctx.run(["run", "--simulate", "--speed", "10000", "--only", "driftwood", album.manifest], album.dir,
            "simulate-one-song", timeout=120)
    out = os.path.join(album.dir, "out-sim")
    folders = os.listdir(out) if os.path.isdir(out) else []
    return folders[0] if len(folders) == 1 else None


def hostile_slugs(ctx, figures, base):
    """Finding 4: album names that slug alike, and names with no ASCII letter."""
    simulator = Simulator(ctx, base, "slugs", seed=ctx.seed + 1304, speed=200)
    try:
        directory = os.path.join(base, "slugs")
        night = Album(ctx, directory, simulator.url, name="night", album_title="Night Drive")
        shout = Album(ctx, directory, simulator.url, name="shout", album_title="NIGHT-DRIVE!")
        validate = ctx.run(["validate", night.manifest, shout.manifest], directory, "validate-alike", timeout=30)
        run = ctx.run(["run", night.manifest, shout.manifest], directory, "run-alike", timeout=60)
        paid = hostile_paid(simulator)
        slugs = {}
        for name, title in (("tokyo", "東京の夜"), ("moon", "🌙🚗"), ("stars", "✨🌌")):
            album = Album(ctx, os.path.join(base, "slugs", name), simulator.url, name=name, album_title=title)
            slugs[title] = hostile_out_folder(ctx, album)
    finally:
        simulator.stop()
    folder_error = "is also the output folder of" in validate.text
    distinct = len(set(slugs.values())) == len(slugs) and "album" not in slugs.values() and None not in slugs.values()
    figures.add(f"hostile 4 slugs: \"Night Drive\" and \"NIGHT-DRIVE!\" validated together exit {validate.rc}, run "
                f"together exit {run.rc}, {paid} paid; {len(slugs)} non-ASCII names get "
                f"{len(set(slugs.values()))} distinct non-`album` folders",
                validate.rc == 2 and folder_error and run.rc == 2 and paid == 0 and distinct,
                [f"validate: {hostile_sentence(validate)}"]
                + [f"{title!r} -> out-sim/{slug}" for title, slug in slugs.items()])


def hostile_speeds(ctx, figures, base):
    """Finding 5: --speed values a simulated run cannot use."""
    album = Album(ctx, os.path.join(base, "speeds"), "http://127.0.0.1:9")
    lines = []
    refused = 0
    for index, speed in enumerate(["0", "nan", "1e-300", "-1"]):
        result = ctx.run(["run", "--simulate", f"--speed={speed}", album.manifest], album.dir, f"speed-{index}",
                         timeout=60)
        left = hostile_leftovers(album.dir)
        ok = result.rc == 2 and "--speed must be a number" in hostile_sentence(result) and not left
        refused += ok
        lines.append(f"--speed={speed}: exit {result.rc}, left {left or 'nothing'}: {hostile_sentence(result)}")
    figures.add(f"hostile 5 --speed: {refused} of 4 refused with exit 2 and '--speed must be a number from 0.001 "
                "to 1000000', no lock or ledger left",
                refused == 4, lines)


def hostile_key_whitespace(ctx, figures, base):
    """Finding 6: a key with a control character inside, then the same key with a trailing newline."""
    simulator = Simulator(ctx, base, "key-whitespace", seed=ctx.seed + 1306, speed=200)
    try:
        album = Album(ctx, os.path.join(base, "key-whitespace"), simulator.url)
        half = len(ctx.key) // 2
        inner = ctx.run(["run", album.manifest], album.dir, "key-control-character", timeout=60,
                        env={**ctx.env, KEY_ENV: ctx.key[:half] + "\x01" + ctx.key[half:]})
        paid_inner = hostile_paid(simulator)
        trailing = ctx.run(["run", album.manifest], album.dir, "key-trailing-newline", timeout=240,
                           env={**ctx.env, KEY_ENV: ctx.key + "\n"})
        report = audit(album, simulator)
    finally:
        simulator.stop()
    leaks = hostile_leaks([inner, trailing], ctx.key[:half], ctx.key[half:])
    names = KEY_ENV in hostile_sentence(inner) and "control character" in hostile_sentence(inner)
    figures.add(f"hostile 6 key: trailing newline exit {trailing.rc} with {report['created']} paid for "
                f"{len(album.job_ids)} jobs; inner control character exit {inner.rc} naming the variable "
                f"{'yes' if names else 'no'}, {paid_inner} paid; the value in {leaks} outputs",
                trailing.rc == 0 and clean(report) and inner.rc == 2 and names and paid_inner == 0 and leaks == 0,
                [f"control character: {hostile_sentence(inner)}"] + issues(report))


def hostile_head_one(ctx, album):
    """`setlist run MANIFEST | head -1`: reads one line, closes the pipe, waits for the run; returns its exit."""
    _, err_path = ctx.log_paths(album.dir, "run-head-1")
    with open(err_path, "wb") as err:
        process = subprocess.Popen([ctx.binary, "run", album.manifest], cwd=album.dir, env=ctx.env,
                                   stdout=subprocess.PIPE, stderr=err)
        process.stdout.readline()
        process.stdout.close()
        try:
            return process.wait(timeout=240)
        except subprocess.TimeoutExpired:
            process.kill()
            return f"hung ({process.wait()})"


def hostile_signals(ctx, figures, base):
    """Finding 7: SIGHUP in the middle of a run, and a reader that goes away after one line."""
    simulator = Simulator(ctx, base, "sighup", seed=ctx.seed + 1307, speed=40)
    try:
        album = Album(ctx, os.path.join(base, "sighup"), simulator.url)
        accepted = re.compile(r"Z [a-z0-9-]+: accepted as ")
        hup = ctx.spawn_run(album, "sighup", trigger=accepted.search, signum=signal.SIGHUP, timeout=240)
        hup_lock = os.path.exists(album.lock)
        resume = ctx.run(["run", album.manifest], album.dir, "resume-after-sighup", timeout=240)
        hup_report = audit(album, simulator)
    finally:
        simulator.stop()
    simulator = Simulator(ctx, base, "head-1", seed=ctx.seed + 1317, speed=40)
    try:
        piped = Album(ctx, os.path.join(base, "head-1"), simulator.url)
        pipe_rc = hostile_head_one(ctx, piped)
        pipe_lock = os.path.exists(piped.lock)
        pipe_report = audit(piped, simulator)
    finally:
        simulator.stop()
    hup_ok = hup.signalled and hup.rc == EXIT_TRY_LATER and not hup_lock and resume.rc == 0 and clean(hup_report)
    pipe_ok = pipe_rc == 0 and not pipe_lock and clean(pipe_report)
    figures.add(f"hostile 7 signals: SIGHUP exit {hup.rc}, lock left {'yes' if hup_lock else 'no'}, resume exit "
                f"{resume.rc}, {hup_report['duplicates']} duplicates; `| head -1` exit {pipe_rc}, "
                f"{len(piped.job_ids) - len(pipe_report['unfinished'])} of {len(piped.job_ids)} jobs completed, "
                f"lock left {'yes' if pipe_lock else 'no'}", hup_ok and pipe_ok,
                [f"SIGHUP after the first 'accepted as' line: {first_error(hup)}"]
                + issues(hup_report) + issues(pipe_report))


def hostile_simulated_persona(ctx, figures, base):
    """Finding 8: a simulated album with a persona, then a forced re-roll of a song sung with it."""
    album = Album(ctx, os.path.join(base, "simulated-persona"), "http://127.0.0.1:9")
    first = ctx.run(["run", "--simulate", "--speed", "1000", album.manifest], album.dir, "simulate", timeout=240)
    again = ctx.run(["run", "--simulate", "--speed", "1000", "--force", "undertow", album.manifest], album.dir,
                    "simulate-force-undertow", timeout=240)
    # The simulated provider's saved state (docs/SIMULATOR.md) lists every task it created, with its request.
    with open(os.path.join(album.dir, "album.sim.state.json")) as handle:
        tasks = json.load(handle)["tasks"]
    last = tasks[-1]
    rerolled = last["idempotencyKey"].startswith("sl-undertow-2-") and '"persona_id"' in last["request"]
    figures.add(f"hostile 8 simulated persona: first run exit {first.rc}, `--force undertow` (sung with the "
                f"persona) exit {again.rc}, {len(tasks)} simulated tasks for {len(album.job_ids)} jobs and one "
                f"re-roll, the re-roll sent with the persona's id: {'yes' if rerolled else 'no'}",
                first.rc == 0 and again.rc == 0 and len(tasks) == len(album.job_ids) + 1 and rerolled,
                [f"forced run: {hostile_sentence(again)}"])


def hostile_not_found(ctx, figures, base):
    """Finding 9: the provider answers 404 for tasks it did create."""
    simulator = Simulator(ctx, base, "not-found", seed=ctx.seed + 1309, speed=200, faults="notfound=0.5")
    try:
        album = Album(ctx, os.path.join(base, "not-found"), simulator.url)
        run = ctx.run(["run", album.manifest], album.dir, "run-notfound", timeout=300)
        report = audit(album, simulator)
    finally:
        simulator.stop()
    injected = report["stats"].get("faults_injected", {}).get("notfound", 0)
    jobs = len(album.job_ids)
    figures.add(f"hostile 9 404s: {injected} status answers 404, exit {run.rc}, "
                f"{jobs - len(report['unfinished'])} of {jobs} jobs completed, {report['created']} paid for "
                f"{jobs} jobs, {report['duplicates']} duplicates",
                run.rc == 0 and injected > 0 and clean(report) and report["created"] == jobs, issues(report))


def drill_hostile(ctx, figures):
    base = ctx.directory("hostile")
    for finding in (hostile_shared_ledger, hostile_lyrics_files, hostile_requested_files, hostile_slugs,
                    hostile_speeds, hostile_key_whitespace, hostile_signals, hostile_simulated_persona,
                    hostile_not_found):
        finding(ctx, figures, base)
