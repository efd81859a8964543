#!/usr/bin/env python3
"""Reliability drills for setlist (DESIGN §7 "Reliability"), against an external `setlist simulate`.

Usage:
    python3 scripts/drill.py [--binary PATH] [--kills N] [--seed N] [--only NAME,...] [--quick] [--keep]
                             [--verbose]

Drills (all by default, in this order; --only picks some):
    kill-resume  SIGKILL a run of a generated 12-song, 2-persona album at seeded random moments (very early,
                 on chosen log events, on a timer, very late), check after every kill that the ledger loads,
                 resume, and finally run to completion; count duplicate paid submissions, lost results,
                 unloadable ledgers and jobs not completed exactly once. Every second album also gets lost
                 answers and failed tasks (lost=0.1,fail=0.1), so replays of unconfirmed submissions and new
                 attempts after failures mix with the kills. Then the whole-song album on the Suno proxy (the
                 8 songs, a lyrics job, a song that sings its text, a song extended twice and joined, and a WAV
                 master of every song), which honours no idempotency keys, killed at seeded moments (8 times, 3 with --quick): nothing is paid
                 twice before --resubmit-unknown releases the held jobs, and no more duplicates than jobs released;
                 and a `run --simulate` killed once its first task id is durable, then resumed: every task id is
                 known to the simulated provider and every job completes in one attempt.
    faults       one run per simulator fault kind (5xx, drop, lost, slow, fail, malformed) and a mixed one:
                 exit 0, or exit 1 only where the ledger shows the retry budget was spent; zero duplicates;
                 then a clean resume must finish everything.
    storm        the simulator's --rate-limit far below the manifest's requests_per_minute: exit 0, zero
                 duplicates; reports the 429s and the busiest 60 s window the simulator saw.
    lock         two runs of one manifest started together (fresh, and over a stale lock): one exits 75 naming
                 the lock, the other completes; a stale lock is taken over with a warning; a live or foreign
                 holder stops a run with exit 75 before anything is sent.
    disk         the ledger on a small tmpfs that fills during the run (root only), and a simulated write
                 failure (RLIMIT_FSIZE with SIGXFSZ ignored, so writes fail with EFBIG): exit 70 with a clear
                 error, no paid submission without its intent in the ledger, the ledger loads, and a resume
                 after freeing space completes without paying twice. Also a disk already full when the run
                 starts (no room for the lock file): exit 70, nothing sent.
    invalid      every fixture of Tests/SetlistCoreTests/Fixtures/invalid, and albums with one error in their last
                 entry, through `setlist validate` and `setlist run` pointed at the simulator: exit 2, a located
                 diagnostic, zero requests at the simulator.
    keyscan      a run with --log-format json and --metrics-file, a run with --api-key-file, a run with a rejected
                 key, then status, report and plan; then every file under the drill directory and every captured
                 stdout/stderr is scanned for the keys (raw, hex, and base64 at every alignment).
    hostile      careless or hostile input (issue 13, findings 1-9), one figure each: two manifests sharing a
                 ledger; lyrics_file aimed at /proc/self/environ, /etc/passwd, '..', a link out, a FIFO, NUL
                 bytes; --metrics-file and report -o aimed at the ledger, the manifest, a link and a FIFO; album
                 names that slug alike or have no ASCII letter; unusable --speed values; a key with a trailing
                 newline or a control character; SIGHUP and `| head -1`; a simulated persona album re-rolled;
                 the simulator's notfound fault. Each counts exit codes, the sentence printed, paid submissions,
                 files changed (sha256) and the key in outputs and request bodies.

--quick is the short pass CI runs after the unit tests (a few minutes on a debug binary): kill-resume with 4
kills, the mixed fault run alone, invalid and keyscan.

Each figure is printed as one line ending in PASS or FAIL (details indented below it); the exit status is 1 if
any figure fails, 2 if the drill itself could not run. Every drill runs in its own directory under one
temporary root (kept with --keep), with HOME and TMPDIR pointed inside it so that nothing the tool writes
escapes the key scan. The default binary is .build-release/release/setlist (built with
`swift build -c release --product setlist --scratch-path .build-release` when missing).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback

from .audit import redact
from .disk import drill_disk
from .faults import drill_faults
from .harness import Context, DrillError, Figures, REPO, note
from .hostile import drill_hostile
from .invalid import drill_invalid
from .keyscan import drill_keyscan
from .kill_resume import drill_kill_resume
from .lock import drill_lock
from .storm import drill_storm

DRILLS = ["kill-resume", "faults", "storm", "lock", "disk", "invalid", "keyscan", "hostile"]
QUICK_DRILLS = ["kill-resume", "faults", "invalid", "keyscan"]
KILLS = 25
QUICK_KILLS = 4


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build-release", "release", "setlist"),
                        help="the setlist binary (default: .build-release/release/setlist in the repository)")
    parser.add_argument("--kills", type=int, default=None,
                        help=f"SIGKILLs in the kill-resume drill (default {KILLS}, or {QUICK_KILLS} with --quick)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    parser.add_argument("--only", default=None, help="comma-separated drills: " + ",".join(DRILLS))
    parser.add_argument("--keep", action="store_true", help="keep the drill directory and print its path")
    parser.add_argument("--verbose", action="store_true", help="progress notes on stderr")
    parser.add_argument("--quick", action="store_true",
                        help="the short pass CI runs: " + ",".join(QUICK_DRILLS) + f" with {QUICK_KILLS} kills and "
                        "only the mixed fault run (--only picks among them)")
    args = parser.parse_args()
    if args.kills is None:
        args.kills = QUICK_KILLS if args.quick else KILLS

    everything = QUICK_DRILLS if args.quick else DRILLS
    selected = everything if not args.only else [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = [name for name in selected if name not in DRILLS]
    if unknown:
        parser.error(f"unknown drill {', '.join(unknown)}; choose from {', '.join(DRILLS)}")
    args.binary = os.path.abspath(args.binary)
    if not os.path.exists(args.binary):
        default = os.path.join(REPO, ".build-release", "release", "setlist")
        if args.binary != default:
            sys.exit(f"no binary at {args.binary}")
        print("building setlist: swift build -c release --product setlist --scratch-path .build-release",
              file=sys.stderr)
        built = subprocess.run(["swift", "build", "-c", "release", "--product", "setlist", "--scratch-path",
                                ".build-release"], cwd=REPO)
        if built.returncode != 0 or not os.path.exists(args.binary):
            sys.exit("the build failed")

    root = tempfile.mkdtemp(prefix="setlist-drill-")
    ctx = Context(args, root)
    figures = Figures()
    started = time.monotonic()
    print(f"setlist drill: binary {args.binary}, seed {args.seed}, kills {args.kills}, drills {','.join(selected)}",
          flush=True)
    functions = {"kill-resume": drill_kill_resume, "faults": drill_faults, "storm": drill_storm,
                 "lock": drill_lock, "disk": drill_disk, "invalid": drill_invalid, "keyscan": drill_keyscan,
                 "hostile": drill_hostile}
    broken = False
    try:
        for name in selected:
            began = time.monotonic()
            try:
                functions[name](ctx, figures)
            except DrillError as error:
                broken = True
                print(f"{name}: could not run: {error}", flush=True)
            except Exception:  # a crash of the drill itself, not a finding about setlist
                broken = True
                print(f"{name}: the drill crashed:", flush=True)
                traceback.print_exc(file=sys.stdout)
            note(ctx, f"{name} took {time.monotonic() - began:.0f}s")
        elapsed = time.monotonic() - started
        ctx.summary["figures"] = figures.items
        ctx.summary["seconds"] = elapsed
        with open(os.path.join(root, "summary.json"), "w") as handle:
            json.dump(redact(ctx.summary, ctx), handle, indent=1, default=str)
        verdict = "PASS" if not figures.failed and not broken else "FAIL"
        print(f"drill: {len(figures.items)} figures, {len(figures.failed)} failed, {elapsed:.0f}s: {verdict}",
              flush=True)
        if args.keep:
            print(f"drill directory kept: {root}", flush=True)
    finally:
        ctx.cleanup(args.keep)
    if broken:
        sys.exit(2)
    sys.exit(1 if figures.failed else 0)


if __name__ == "__main__":
    main()
