"""The kill-resume drill: SIGKILL at seeded random moments, resume, audit."""
import collections
import json
import os
import random
import re
import shutil
import urllib.request

from .albums import Album
from .audit import audit, clean, first_error, redact
from .harness import EXIT_TRY_LATER, Simulator, note
from .kill_variants import proxy_kills, simulated_kill, whole_song_kills
from .ledger import ledger_loads, read_ledger_files


EVENT_LINE = re.compile(r"^\d{4}-\d\d-\d\dT[0-9:]+Z (?P<body>.*)$")
JOB_EVENT = re.compile(r"^(?P<job>[a-z0-9-]+): (?P<what>.*)$")


def last_event(lines, album):
    """The phase a killed run was in, from the last line it printed."""
    summary = any(line.startswith("JOB ") or line.startswith("outcome:") for _, line in lines)
    if summary:
        return "finishing (summary printed)"
    for _, line in reversed(lines):
        match = EVENT_LINE.match(line)
        if not match:
            continue
        body = match.group("body")
        job = JOB_EVENT.match(body)
        if job and job.group("job") == "warning":
            continue  # "warning: Took over the lock ..." at the start of a resumed run
        if not job:
            return "startup (run planned)" if body.startswith("run of") else "other"
        what = job.group("what")
        if job.group("job") in album.persona_ids:
            return "persona chaining"
        if what.startswith("submitting"):
            return "submitting"
        if re.search(r"; attempt \d+ in [0-9.]+m?s$", what):
            return "retry backoff"
        if what.startswith("accepted") or "%" in what:
            return "polling"
        if what.startswith("completed"):
            return "completed, downloads starting"
        if what.startswith("saved") or what.startswith("download"):
            return "downloading"
        if what.startswith("failed") or what.startswith("blocked") or what.startswith("held"):
            return "failure handling"
        return "other"
    return "startup (nothing printed)"


def kill_plan(mode, rng, album, status, calibration):
    """(kill_after, trigger, extra_delay) for one kill."""
    def nth(pattern, count):
        seen = {"n": 0}
        regex = re.compile(pattern)

        def trigger(line):
            if regex.search(line):
                seen["n"] += 1
                return seen["n"] >= count
            return False
        return trigger

    if mode == "early":
        return rng.uniform(0.0, 0.05), None, 0.0
    if mode == "timed":
        return rng.uniform(0.05, calibration), None, 0.0
    if mode == "submitting":
        return None, nth(r"Z [a-z0-9-]+: submitting \(attempt", rng.randint(1, 6)), rng.uniform(0, 0.01)
    if mode == "accepted":
        return None, nth(r"Z [a-z0-9-]+: accepted as ", rng.randint(1, 6)), rng.uniform(0, 0.01)
    if mode == "persona":
        personas = "|".join(re.escape(p) for p in sorted(album.persona_ids))
        return None, nth(rf"Z ({personas}): ", rng.randint(1, 3)), rng.uniform(0, 0.01)
    if mode == "completed":
        return None, nth(r"Z [a-z0-9-]+: completed, ", rng.randint(1, 5)), rng.uniform(0, 0.02)
    if mode == "saved":
        return None, nth(r"Z [a-z0-9-]+: saved ", rng.randint(1, 16)), rng.uniform(0, 0.01)
    if mode == "late-compaction":
        # Right after the last file is saved the run appends run_finished and compacts the ledger (snapshot to a
        # temporary file, fsync, rename, journal emptied): 10 to 45 ms on the reference machine.
        recorded = sum(job.get("files", 0) for job in (status or {}).get("jobs", []))
        remaining = album.expected_files - recorded
        if remaining <= 0:
            return None, nth(r"^JOB ", 1), 0.0
        return None, nth(r"Z [a-z0-9-]+: saved ", remaining), rng.uniform(0, 0.01)
    if mode == "late-exit":
        # After the summary: the metrics, the lock release and the exit are left (15 to 45 ms).
        return None, nth(r"^outcome:", 1), rng.uniform(0, 0.01)
    raise ValueError(mode)


KILL_MODES = ["early", "submitting", "accepted", "persona", "timed", "completed", "saved", "late-compaction",
              "late-exit"]
MODE_ORDER = {mode: index for index, mode in enumerate(KILL_MODES)}
EARLY_AND_MIDDLE = KILL_MODES[:7]
KILL_FAULTS = "lost=0.1,fail=0.1"
# SIGKILLs of the proxy album: a few in the quick pass, as many as the unit test that used to do this had otherwise.
PROXY_KILLS = 8
PROXY_KILLS_QUICK = 3


def drill_kill_resume(ctx, figures):
    base = ctx.directory("kill-resume")
    rng = random.Random(ctx.seed * 7919 + 1)
    # Calibration: one run without kills gives the time scale of the timed kills, and must pass the audit itself.
    simulator = Simulator(ctx, base, "baseline", seed=ctx.seed, speed=150)
    try:
        album = Album(ctx, os.path.join(base, "baseline"), simulator.url, shape="large")
        result = ctx.run(["run", album.manifest], album.dir, "baseline-run", timeout=180)
        baseline = audit(album, simulator)
        # Controls: the audit must see a paid duplicate (the body of a completed song paid again under a new key,
        # as a client that forgot its task id would) and a lost result (a downloaded file deleted).
        controls_ok = False
        if baseline["tasks"]:
            first = next(task for task in baseline["tasks"] if task["kind"] == "music")
            request = urllib.request.Request(
                simulator.url + "/v1/audios/generations", data=json.dumps(first["request"]).encode(), method="POST",
                headers={"Authorization": "Bearer " + ctx.key, "Content-Type": "application/json",
                         "Idempotency-Key": "drill-control-duplicate-0001"})
            urllib.request.urlopen(request, timeout=30).read()
            victim = next((os.path.join(parent, name) for parent, _, names in os.walk(os.path.join(album.dir, "out"))
                           for name in names if name.endswith(".mp3")), None)
            if victim:
                os.remove(victim)
            control = audit(album, simulator)
            controls_ok = control["duplicates"] == 1 and any("unreadable" in item for item in control["lost"])
    finally:
        simulator.stop()
    calibration = max(1.0, result.seconds)
    note(ctx, f"baseline run: exit {result.rc} in {result.seconds:.1f}s")
    baseline_ok = result.rc == 0 and clean(baseline) and controls_ok

    kills = 0
    duplicates = 0
    lost = []
    unloadable = []
    not_once = []
    unexpected = []
    phases = collections.Counter()
    modes = collections.Counter()
    left_intent = 0
    left_running = 0
    left_downloads = 0
    torn_lines = 0
    empty_locks = 0
    refusals = 0

    def refused_by_empty_lock(run):
        return run.rc == EXIT_TRY_LATER and os.path.exists(album.lock) and os.path.getsize(album.lock) == 0

    before_compaction = 0
    left_tmp = 0
    replayed = 0
    created = 0
    takeovers = 0
    rounds = 0
    # Every mode once first (in phase order within each round), then seeded random modes; every third round is a
    # late round.
    queue = EARLY_AND_MIDDLE[:]
    rng.shuffle(queue)
    while kills < ctx.kills:
        rounds += 1
        faults = KILL_FAULTS if rounds % 2 == 0 else None
        simulator = Simulator(ctx, base, f"round{rounds}", seed=ctx.seed * 1000 + rounds, speed=150, faults=faults)
        try:
            album = Album(ctx, os.path.join(base, f"round{rounds:02d}"), simulator.url, shape="large")
            if rounds % 3 == 0:
                # A late round: the first run does all the work and dies at its very end (during the final
                # compaction, or after the summary while it releases the lock); the next one is killed too.
                round_modes = (["late-compaction", "early"] if rounds % 6 == 3 else ["late-exit", "early"])
                round_modes = round_modes[:ctx.kills - kills]
            else:
                wanted = min(rng.randint(3, 6), ctx.kills - kills)
                round_modes = []
                for _ in range(wanted):
                    round_modes.append(queue.pop() if queue else rng.choices(
                        EARLY_AND_MIDDLE, weights=[2, 2, 2, 2, 4, 1, 2])[0])
                round_modes.sort(key=lambda mode: MODE_ORDER[mode])
            status = None
            for index, mode in enumerate(round_modes):
                kill_after, trigger, extra = kill_plan(mode, rng, album, status, calibration)
                run = ctx.spawn_run(album, f"r{rounds}-{index}-{mode}", kill_after=kill_after, trigger=trigger,
                                    extra_delay=extra)
                if run.hung:
                    unexpected.append(f"round {rounds}: run hung (killed after the timeout); see logs in {album.dir}")
                    break
                takeovers += "Took over the lock" in run.text
                if not run.killed:
                    if refused_by_empty_lock(run):
                        refusals += 1
                        os.remove(album.lock)  # recorded; what a person would have to do
                        continue
                    if run.rc not in (0, 1) or (run.rc == 1 and not faults):
                        unexpected.append(f"round {rounds}: a run exited {run.rc} on its own: "
                                          + first_error(run))
                    break
                kills += 1
                if os.path.exists(album.lock) and os.path.getsize(album.lock) == 0:
                    empty_locks += 1
                modes[mode] += 1
                phases[last_event(run.lines, album)] += 1
                _, journal_events, _, _ = read_ledger_files(album.ledger)
                if any(event.get("type") == "run_finished" for event in journal_events):
                    before_compaction += 1  # run_finished is durable, the final compaction had not finished
                left_tmp += os.path.exists(album.ledger + ".tmp")
                problems, status, torn = ledger_loads(album, f"r{rounds}-{index}-status")
                torn_lines += torn
                if problems:
                    unloadable.append(f"round {rounds} kill {index} ({mode}): " + "; ".join(problems))
                    # keep the evidence for the report
                    shutil.copytree(album.dir, album.dir + f"-unloadable-{index}", dirs_exist_ok=True)
                if status:
                    states = collections.Counter(job["state"] for job in status.get("jobs", []))
                    left_intent += states.get("submitting", 0) > 0
                    left_running += states.get("running", 0) > 0
                    left_downloads += sum(job.get("downloads_pending", 0) for job in status["jobs"]) > 0
            # Finish: faults off, then run to completion (at most three runs, for a budget spent on lost answers).
            simulator.set_faults("")
            final = None
            for attempt in range(4):
                final = ctx.run(["run", album.manifest], album.dir, f"r{rounds}-final{attempt}", timeout=300)
                takeovers += "Took over the lock" in final.text
                if refused_by_empty_lock(final):
                    refusals += 1
                    os.remove(album.lock)
                    continue
                if final.rc not in (0, 1):
                    unexpected.append(f"round {rounds}: a final run exited {final.rc}"
                                      + (" (hung)" if final.hung else "") + ": " + first_error(final))
                if final.rc == 0 or final.hung:
                    break
            if final.rc != 0:
                unexpected.append(f"round {rounds}: the album did not finish (last exit {final.rc})")
            report = audit(album, simulator)
            duplicates += report["duplicates"]
            created += report["created"]
            replayed += report["replayed"]
            lost += [f"round {rounds}: {item}" for item in report["lost"]]
            not_once += [f"round {rounds}: {item}" for item in report["unfinished"] + report["not_once"]]
            if report["duplicate_details"]:
                unexpected += [f"round {rounds}: {item}" for item in report["duplicate_details"]]
            with open(os.path.join(album.dir, "audit.json"), "w") as handle:
                json.dump(redact({k: v for k, v in report.items() if k != "tasks"}, ctx), handle, indent=1)
        finally:
            simulator.stop()
    ctx.summary["kill-resume"] = {
        "kills": kills, "rounds": rounds, "duplicates": duplicates, "lost": lost, "unloadable": unloadable,
        "not_once": not_once, "phases": dict(phases), "modes": dict(modes), "replayed": replayed,
        "created": created, "baseline_seconds": calibration}
    passed = (baseline_ok and duplicates == 0 and not lost and not unloadable and not not_once and not unexpected
              and not refusals)
    details = [
        f"{rounds} album{'' if rounds == 1 else 's'} of {len(album.job_ids)} jobs (12 songs, 2 chained personas), "
        "simulator --speed 150, "
        f"--faults {KILL_FAULTS} on even rounds; baseline uninterrupted run {calibration:.1f}s "
        + ("passed its audit" if baseline_ok else "FAILED its audit or the audit's controls")
        + "; controls: the audit counts a second payment of a completed song's body as 1 duplicate and a deleted "
        f"download as a lost result: {'yes' if controls_ok else 'NO'}",
        "kills by trigger: " + ", ".join(f"{mode} {modes[mode]}" for mode in KILL_MODES if modes[mode]),
        "phase at the kill (last line printed): " + ", ".join(f"{k} {v}" for k, v in sorted(phases.items())),
        f"kills that left an intent without a task id: {left_intent}; a task in flight: {left_running}; "
        f"downloads pending: {left_downloads}; run_finished written but not compacted: {before_compaction}; "
        f"a left-over snapshot .tmp: {left_tmp}; a torn last journal line: {torn_lines}",
        f"paid tasks created {created}, idempotent replays {replayed} (honest: same key, no charge); "
        f"stale locks taken over: {takeovers}",
        f"jobs not completed exactly once: {len(not_once)}",
        f"kills that left an empty lock file: {empty_locks}; runs refused by an empty lock (exit 75 until the file "
        f"is deleted by hand; the drill deleted it and went on): {refusals}",
    ] + unloadable[:5] + lost[:5] + not_once[:5] + unexpected[:8]
    odd = len(unexpected) + refusals
    figures.add(f"kill-resume: {kills} kills, {duplicates} duplicate paid submissions, {len(lost)} lost results, "
                f"{len(unloadable)} unloadable ledgers, {len(not_once)} jobs not completed exactly once, "
                f"{odd} run{'' if odd == 1 else 's'} with an unexpected exit", passed, details)
    proxy_kills(ctx, figures, base, PROXY_KILLS_QUICK if ctx.quick else PROXY_KILLS)
    whole_song_kills(ctx, figures, base)
    simulated_kill(ctx, figures, base)
