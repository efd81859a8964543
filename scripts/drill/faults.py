"""The faults drill: one run per simulator fault kind, then a clean resume."""
import os

from .albums import Album
from .audit import audit, clean, issues
from .harness import Simulator
from .ledger import read_ledger_files


# Failure codes setlist retries (SetlistCore/Provider/ProviderTypes.swift, TaskFailure.retriableCodes); a job whose
# last failure has another code (content_policy_violation, a 4xx) fails for good without spending its budget.
RETRIABLE_CODES = {
    "service_error", "resource_exhausted", "service_unavailable", "generation_timeout", "quota_exceeded",
    "unknown_error", "generation_failed_no_content", "model_unavailable", "upstream_error", "request_cancelled",
    "task_timeout", "resource_not_found",
}


FAULT_RUNS = [
    ("5xx", "5xx=0.3"),
    ("drop", "drop=0.3"),
    ("lost", "lost=0.3"),
    ("slow", "slow=0.3:2s"),
    ("fail", "fail=0.3"),
    ("malformed", "malformed=0.3"),
    ("mixed", "5xx=0.1,drop=0.05,lost=0.1,slow=0.1:1s,fail=0.15,malformed=0.05"),
]

# The one fault run of the quick pass: every fault kind at once.
QUICK_FAULT_RUN = "mixed"


def unfinished_justified(album, snapshot):
    """Jobs that did not complete, and for each whether the ledger shows the retry budget (or a failure that is
    not retried) ended it. Returns (justified, unjustified) lists of strings."""
    justified, unjustified = [], []
    jobs = snapshot["jobs"] if snapshot else {}
    for job in album.job_ids:
        record = jobs.get(job)
        if record is None:
            unjustified.append(f"{job}: not in the ledger")
            continue
        state = record.get("state")
        if state == "completed":
            continue
        attempts = record.get("attempts", [])
        tries = sum(max(1, attempt.get("submissions", 1)) for attempt in attempts)
        last = attempts[-1] if attempts else {}
        code = (last.get("error") or {}).get("code")
        if state == "blocked":
            cause = record.get("blocked_by")
            cause_state = jobs.get(cause, {}).get("state")
            line = f"{job}: blocked by {cause} ({cause_state})"
            (justified if cause_state in ("failed", "unknown", "blocked") else unjustified).append(line)
        elif state in ("failed", "unknown"):
            line = f"{job}: {state} after {tries} tries (last error {code or last.get('outcome')})"
            if tries >= album.attempts or (code and code not in RETRIABLE_CODES):
                justified.append(line)
            else:
                unjustified.append(line + f", below retry.attempts {album.attempts}")
        else:
            unjustified.append(f"{job}: left {state}")
    return justified, unjustified


def drill_faults(ctx, figures):
    base = ctx.directory("faults")
    all_ok = True
    for index, (name, spec) in enumerate(FAULT_RUNS):
        if ctx.quick and name != QUICK_FAULT_RUN:
            continue
        simulator = Simulator(ctx, base, name, seed=ctx.seed * 31 + index, speed=200, faults=spec)
        try:
            album = Album(ctx, os.path.join(base, name), simulator.url, shape="large")
            run = ctx.run(["run", album.manifest], album.dir, f"{name}-run", timeout=300)
            snapshot, _, _, problems = read_ledger_files(album.ledger)
            justified, unjustified = unfinished_justified(album, snapshot)
            first = audit(album, simulator, require_complete=False)
            stats = first["stats"]
            injected = stats.get("faults_injected", {})
            requests = simulator.api_requests(stats)
            exit_ok = (run.rc == 0 and not justified and not unjustified) or (run.rc == 1 and justified
                                                                               and not unjustified)
            # Then without faults: the next run must finish what the budget did not allow, paying nothing twice.
            simulator.set_faults("")
            resume = ctx.run(["run", album.manifest], album.dir, f"{name}-resume", timeout=300)
            final = audit(album, simulator)
            duplicates = final["duplicates"]
            # A dedicated run whose fault never fired proves nothing.
            exercised = name == "mixed" or injected.get(spec.split("=")[0], 0) > 0
            passed = (exit_ok and exercised and not problems and not run.hung and first["duplicates"] == 0
                      and resume.rc == 0 and clean(final))
            all_ok &= passed
            completed = len(album.job_ids) - len(justified) - len(unjustified)
            details = [
                f"--faults {spec}: injected " + (", ".join(f"{k} {v}" for k, v in sorted(injected.items()))
                                                 or "nothing"),
                f"exit {run.rc} in {run.seconds:.1f}s; {completed}/{len(album.job_ids)} jobs completed; "
                f"provider requests by status: " + ", ".join(f"{k} {v}" for k, v in sorted(requests.items())),
                f"paid tasks {first['created']}, replays {first['replayed']}, failed (refunded) "
                f"{first['failed_tasks']}",
            ]
            details += [f"unfinished as the retry policy allows: {line}" for line in justified]
            details += [f"NOT justified by the ledger: {line}" for line in unjustified]
            details += [f"ledger problem: {p}" for p in problems]
            details.append(f"clean resume: exit {resume.rc}; afterwards {len(final['lost'])} lost, "
                           f"{len(final['unfinished']) + len(final['not_once'])} jobs not completed exactly once")
            details += issues(final)
            figures.add(f"faults {name}: exit {run.rc}, {completed}/{len(album.job_ids)} jobs completed, "
                        f"{len(unjustified)} unfinished without the retry budget spent, "
                        f"{duplicates} duplicate paid submissions", passed, details)
            ctx.summary[f"faults-{name}"] = {"exit": run.rc, "completed": completed, "justified": justified,
                                             "unjustified": unjustified, "duplicates": duplicates,
                                             "injected": injected, "resume_exit": resume.rc}
        finally:
            simulator.stop()
    if not ctx.quick:
        unconfirmed_then_failed(ctx, figures, base)
    return all_ok


def unconfirmed_then_failed(ctx, figures, base):
    """Submissions whose outcome stayed unknown (every POST dropped), resumed against a provider whose tasks fail:
    the resumed run resubmits attempt 1 under its key, the task fails, and the retry must be attempt 2. Expected:
    exit 1 (the retry budget spent) and a clean run afterwards; not 70."""
    simulator = Simulator(ctx, base, "unconfirmed", seed=ctx.seed * 31 + 99, speed=200, faults="drop=1.0")
    try:
        album = Album(ctx, os.path.join(base, "unconfirmed-then-failed"), simulator.url)
        first = ctx.run(["run", album.manifest], album.dir, "all-dropped", timeout=300)
        snapshot, _, _, _ = read_ledger_files(album.ledger)
        unknown = sorted(job for job, record in (snapshot or {}).get("jobs", {}).items()
                         if record.get("state") == "unknown")
        simulator.set_faults("fail=1.0")
        second = ctx.run(["run", album.manifest], album.dir, "resumed-tasks-fail", timeout=300)
        error = next((line for line in second.text.splitlines() if line.startswith("error:")), "")
        simulator.set_faults("")
        third = ctx.run(["run", album.manifest], album.dir, "clean", timeout=300)
        report = audit(album, simulator)
    finally:
        simulator.stop()
    passed = bool(first.rc == 1 and unknown and second.rc == 1 and third.rc == 0 and clean(report))
    lines = [
        f"run 1 with every connection dropped (drop=1.0): exit {first.rc}; jobs left unknown: {', '.join(unknown)}",
        f"run 2 with every task failing (fail=1.0), resubmitting those attempts under their keys: exit {second.rc} "
        "(expected 1: the retry budget spent)",
    ]
    if error:
        lines.append(error[:400])
    lines.append(f"run 3 without faults: exit {third.rc}; duplicates {report['duplicates']}, lost "
                 f"{len(report['lost'])}, jobs not completed exactly once "
                 f"{len(report['unfinished']) + len(report['not_once'])}")
    figures.add(f"faults unconfirmed-then-failed: exits {first.rc}, {second.rc}, {third.rc}, "
                f"{report['duplicates']} duplicate paid submissions", passed, lines)
    ctx.summary["faults-unconfirmed-then-failed"] = {"exits": [first.rc, second.rc, third.rc], "error": error,
                                                     "duplicates": report["duplicates"]}
