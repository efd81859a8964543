"""The invalid drill: every invalid manifest stops before anything is sent."""
import os
import re
import shutil

from .albums import Album
from .harness import KEY_ENV, REPO, Simulator


LOCATED = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning): (?P<msg>.*)$")


def expectations(path):
    sidecar = path + ".expect"
    with open(sidecar if os.path.exists(sidecar) else path, "rb") as handle:
        text = handle.read().decode("utf-8", "replace")
    found = []
    for line in text.split("\n"):
        if line.startswith("# expect: "):
            parts = line[len("# expect: "):].split(":", 3)
            if len(parts) == 4 and parts[0].isdigit() and parts[1].isdigit():
                found.append((int(parts[0]), int(parts[1]), parts[2].strip(), parts[3][1:]))
    return found


def diagnostics(text):
    return [match.groupdict() for match in map(LOCATED.match, text.splitlines()) if match]


def album_mutations(album):
    """Valid albums but for one error in their last entries: (name, text, line the diagnostic must name)."""
    text = album.text
    lines = text.split("\n")

    def at(marker):
        return next(index for index, line in enumerate(lines, start=1) if marker in line)

    def replace(old, new):
        assert old in text, old
        return text.replace(old, new, 1)
    mutations = [
        ("typo-in-last-song", replace("    audio_weight: 0.6", "    audio_wieght: 0.6"), at("audio_weight: 0.6")),
        ("vocal-window-too-wide", replace("vocal_window: [12, 34]", "vocal_window: [12, 50]"),
         at("vocal_window: [12, 34]")),
        ("missing-lyrics-file", replace("lyrics_file: \"lyrics/harbor-lights.txt\"",
                                        "lyrics_file: \"lyrics/no-such-file.txt\""), at("lyrics_file:")),
        ("dependency-cycle", replace("    after: [\"tidewater\"]", "    after: [\"tidewater\"]")
         .replace("  - id: tidewater\n", "  - id: tidewater\n    after: [\"lighthouse-keeper\"]\n", 1), None),
        ("style-too-long-v4", replace("    style: \"ambient, field recordings, soft piano\"",
                                      "    model: suno-v4\n    style: \"" + "ambient " * 26 + "\""),
         at("ambient, field recordings") + 1),
        ("duplicate-id", text.rstrip("\n").replace("personas:", "  - id: tidewater\n    prompt: \"again\"\npersonas:",
                                                   1) + "\n", at("personas:")),
        ("broken-yaml-at-end", text + "  - id: extra-voice\n    name: Extra: Voice\n", len(lines) + 1),
        ("api-key-in-manifest", replace(f"  api_key_env: {KEY_ENV}", f"  api_key_env: {KEY_ENV}\n  api_key: "
                                        "\"sk-inline-not-allowed\""), at("api_key_env") + 1),
    ]
    return mutations


def drill_invalid(ctx, figures):
    base = ctx.directory("invalid")
    source = os.path.join(REPO, "Tests", "SetlistCoreTests", "Fixtures", "invalid")
    fixtures_dir = os.path.join(base, "fixtures")
    if os.path.isdir(source):
        shutil.copytree(source, fixtures_dir, dirs_exist_ok=True)
    simulator = Simulator(ctx, base, "invalid", seed=ctx.seed + 2, speed=200)
    failures = []
    checked = 0
    pointed = 0
    runs = 0
    warnings_only = 0
    try:
        fixtures = sorted(name for name in os.listdir(fixtures_dir) if not name.endswith(".expect")) \
            if os.path.isdir(fixtures_dir) else []
        for name in fixtures:
            path = os.path.join(fixtures_dir, name)
            expected = expectations(path)
            validate = ctx.run(["validate", path], fixtures_dir, f"validate-{name}", timeout=60)
            found = diagnostics(validate.text)
            missing = [e for e in expected if not any(
                int(d["line"]) == e[0] and int(d["col"]) == e[1] and d["sev"] == e[2] and e[3] in d["msg"]
                for d in found)]
            checked += 1
            if expected and all(e[2] == "warning" for e in expected):
                # A fixture of a rule that only warns (weight-too-precise.yaml): valid, exit 0, the warning
                # located; it would send requests, so it is not run against the simulator.
                warnings_only += 1
                if validate.rc != 0 or missing:
                    failures.append(f"validate {name} (warnings only): exit {validate.rc}, missing {missing}")
                continue
            if validate.rc != 2 or not any(d["sev"] == "error" for d in found) or missing:
                failures.append(f"validate {name}: exit {validate.rc}, missing expected diagnostics {missing}")
            # The same fixture pointed at the simulator (a provider block appended after everything else, so the
            # expected positions do not move), then `setlist run`: exit 2 and nothing sent.
            with open(path, "rb") as handle:
                raw = handle.read()
            target = path
            try:
                text = raw.decode("utf-8")
                if not re.search(r"^provider:", text, re.M) and "\0" not in text:
                    target = os.path.join(fixtures_dir, "pointed-" + name)
                    with open(target, "w") as handle:
                        handle.write(text + ("" if text.endswith("\n") or not text else "\n")
                                     + f"provider:\n  base_url: {simulator.url}\n  api_key_env: {KEY_ENV}\n")
                    pointed += 1
            except UnicodeDecodeError:
                pass
            run = ctx.run(["run", target], fixtures_dir, f"run-{name}", timeout=60)
            runs += 1
            if run.rc != 2 or not any(d["sev"] == "error" for d in diagnostics(run.text)):
                failures.append(f"run {os.path.basename(target)}: exit {run.rc}, "
                                f"{(run.text.strip().splitlines() or [''])[0][:200]}")
        mutated_dir = os.path.join(base, "albums")
        album = Album(ctx, mutated_dir, simulator.url)
        mutations = album_mutations(album)
        for name, text, line in mutations:
            path = os.path.join(mutated_dir, f"{name}.yaml")
            with open(path, "w") as handle:
                handle.write(text)
            for command in (["validate", path], ["run", path]):
                result = ctx.run(command, mutated_dir, f"{command[0]}-{name}", timeout=60)
                found = [d for d in diagnostics(result.text) if d["sev"] == "error"]
                runs += command[0] == "run"
                located = bool(found) and (line is None or any(int(d["line"]) == line for d in found))
                if result.rc != 2 or not located:
                    failures.append(f"{command[0]} {name}: exit {result.rc}, diagnostics "
                                    f"{[d['line'] + ':' + d['col'] + ' ' + d['msg'][:80] for d in found][:3]}"
                                    + (f", expected one on line {line}" if line else ""))
        requests = simulator.api_requests()
        sent = sum(requests.values())
        # Control: the unmutated album is valid and its run does reach the simulator, so the count above can
        # see a request when one is sent.
        control = ctx.run(["run", album.manifest], mutated_dir, "run-valid-control", timeout=240)
        control_sent = sum(simulator.api_requests().values())
    finally:
        simulator.stop()
    passed = not failures and sent == 0 and control.rc == 0 and control_sent > 0
    details = [
        f"{checked} fixtures of Tests/SetlistCoreTests/Fixtures/invalid through `setlist validate` (exit 2, every "
        f"'# expect:' position and message found; {warnings_only} of them only warns and must exit 0); "
        f"`setlist run` on the {checked - warnings_only} with errors, {pointed} of them with a provider block "
        "aimed at the simulator appended",
        f"{len(mutations)} copies of the drill album with one error in their last entries, through validate and "
        "run (exit 2, an error located on the line of the mistake)",
        f"requests the simulator received from these {runs} runs: {sent}; control: the valid album's run "
        f"exited {control.rc} and sent {control_sent}",
    ] + failures[:8]
    figures.add(f"invalid manifests: {checked - warnings_only + len(mutations)} manifests, {len(failures)} without "
                f"exit 2 and a "
                f"located diagnostic, {sent} requests sent", passed, details)
    ctx.summary["invalid"] = {"fixtures": checked, "albums": len(mutations), "failures": failures, "sent": sent,
                              "pointed": pointed, "runs": runs}
