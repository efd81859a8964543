"""The disk drill: a ledger on a disk that fills, and writes that fail."""
import os
import random
import resource
import shutil
import signal
import subprocess

from .albums import Album
from .audit import audit, clean, issues
from .harness import EXIT_LEDGER_UNWRITABLE, Simulator
from .ledger import ledger_keys_and_tasks, ledger_loads


def try_mount_tmpfs(ctx, path, size):
    os.makedirs(path, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", path],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if result.returncode != 0:
        return False
    ctx.mounts.append(path)
    return True


def unmount(ctx, path):
    subprocess.run(["umount", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if path in ctx.mounts:
        ctx.mounts.remove(path)


def fill(mount, leaving):
    """Fills the file system at `mount` so that `leaving` bytes stay free."""
    free = os.statvfs(mount)
    with open(os.path.join(mount, "filler"), "wb") as handle:
        handle.write(b"\0" * (free.f_bavail * free.f_frsize - leaving))


def file_size_limit(amount):
    """A preexec_fn that caps every file the child writes at `amount` bytes, with SIGXFSZ ignored so that writes
    beyond fail with EFBIG instead of killing it."""
    def preexec():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (amount, amount))
    return preexec


def disk_trial(ctx, base, name, mechanism, amount, seed):
    """One album whose ledger runs out of space; returns (passed, lines, figures dict)."""
    simulator = Simulator(ctx, base, name, seed=seed, speed=150)
    lines = []
    try:
        directory = os.path.join(base, name)
        os.makedirs(directory, exist_ok=True)
        preexec = None if mechanism == "tmpfs" else file_size_limit(amount)
        mount = None
        if mechanism == "tmpfs":
            mount = os.path.join(directory, "ledger-fs")
            if not try_mount_tmpfs(ctx, mount, "256k"):
                return None
            # Fill the file system so that `amount` bytes stay free: the journal (and the lock) get that much.
            fill(mount, leaving=amount)
            album = Album(ctx, directory, simulator.url, ledger=os.path.join(mount, "album.ledger.json"))
            setup = f"ledger on a 256 KiB tmpfs with {amount // 1024} KiB left free"
        else:
            album = Album(ctx, directory, simulator.url)
            setup = (f"RLIMIT_FSIZE {amount} bytes with SIGXFSZ ignored (every file the run writes is capped; "
                     "writes beyond fail with EFBIG)")
        run = ctx.run(["run", album.manifest], album.dir, f"{name}-full", timeout=240, preexec_fn=preexec)
        message = [line for line in run.text.splitlines() if line.startswith("error:")]
        problems, status, torn = ledger_loads(album, f"{name}-status")
        keys, task_ids = ledger_keys_and_tasks(album)
        tasks = simulator.tasks()
        without_intent = [task["id"] for task in tasks if task.get("idempotency_key") not in keys]
        without_id = [task["id"] for task in tasks if task["id"] not in task_ids]
        filled = run.rc != 0
        error_clear = bool(message) and ("No space left" in message[0] or "File too large" in message[0]) \
            and ("ledger" in message[0] or album.ledger in message[0])
        lines.append(f"{setup}: exit {run.rc} after {run.seconds:.1f}s; paid tasks at that point {len(tasks)}, "
                     f"of which without an intent in the ledger {len(without_intent)}, without their task id "
                     f"{len(without_id)}; ledger loads: {'yes' if not problems else 'NO: ' + '; '.join(problems)}")
        if message:
            lines.append("error printed: " + message[0][:400])
        if mount:
            os.remove(os.path.join(mount, "filler"))
        resume = ctx.run(["run", album.manifest], album.dir, f"{name}-resume", timeout=240)
        report = audit(album, simulator)
        lines.append(f"after freeing space: exit {resume.rc}; duplicates {report['duplicates']}, lost "
                     f"{len(report['lost'])}, jobs not completed exactly once "
                     f"{len(report['unfinished']) + len(report['not_once'])}, replays {report['replayed']}")
        lines += issues(report)
        passed = (run.rc == EXIT_LEDGER_UNWRITABLE and error_clear and not without_intent and not problems
                  and resume.rc == 0 and clean(report))
        if not filled:
            lines.append("the run finished before the space ran out; this trial does not count")
            passed = None
        return passed, lines, {"exit": run.rc, "without_intent": len(without_intent), "paid": len(tasks),
                               "resume_exit": resume.rc, "duplicates": report["duplicates"],
                               "loads": not problems}
    finally:
        simulator.stop()
        if mechanism == "tmpfs":
            mount = os.path.join(base, name, "ledger-fs")
            # Keep the ledger files (for --keep and for the key scan) before the file system goes away.
            if os.path.ismount(mount):
                shutil.copytree(mount, os.path.join(base, name, "ledger-fs-copy"), dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("filler"))
            unmount(ctx, mount)


def disk_full_at_start(ctx, base, mechanism):
    """A run whose ledger directory has no room at all (not even for the lock file). README: exit 70 "the ledger
    could not be written"; 75 is "try later: another run holds the lock, the deadline passed, or the run was
    interrupted". Returns (exit code, message, requests sent) or None when the mechanism is unavailable."""
    simulator = Simulator(ctx, base, f"start-{mechanism}", seed=ctx.seed + 800, speed=150)
    try:
        directory = os.path.join(base, f"start-{mechanism}")
        os.makedirs(directory, exist_ok=True)
        preexec = None if mechanism == "tmpfs" else file_size_limit(16)
        if mechanism == "tmpfs":
            mount = os.path.join(directory, "ledger-fs")
            if not try_mount_tmpfs(ctx, mount, "64k"):
                return None
            fill(mount, leaving=0)
            album = Album(ctx, directory, simulator.url, ledger=os.path.join(mount, "album.ledger.json"))
        else:
            album = Album(ctx, directory, simulator.url)
        run = ctx.run(["run", album.manifest], album.dir, f"start-{mechanism}", timeout=120, preexec_fn=preexec)
        message = next((line for line in run.text.splitlines() if line.startswith("error:")), "")
        return run.rc, message, sum(simulator.api_requests().values())
    finally:
        simulator.stop()
        if mechanism == "tmpfs":
            unmount(ctx, os.path.join(base, f"start-{mechanism}", "ledger-fs"))


def drill_disk(ctx, figures):
    base = ctx.directory("disk")
    lines = []
    codes = []
    sent = 0
    for mechanism in ("tmpfs", "rlimit"):
        outcome = disk_full_at_start(ctx, base, mechanism)
        if outcome is None:
            continue
        code, message, requests = outcome
        codes.append(code)
        sent += requests
        setup = ("ledger on a full tmpfs" if mechanism == "tmpfs" else "RLIMIT_FSIZE 16 bytes (the lock file's "
                 "line does not fit)")
        lines.append(f"{setup}: exit {code}, requests sent {requests}; {message[:300]}")
    passed = bool(codes) and all(code == EXIT_LEDGER_UNWRITABLE for code in codes) and sent == 0
    if codes and not passed and sent == 0:
        lines.append("expected exit 70 (README: \"the ledger could not be written\"); 75 tells a cron wrapper to "
                     "try later, as if another run held the lock, while the disk stays full")
    figures.add(f"full disk at the start (no room for the lock file): exits {', '.join(map(str, codes))}, "
                f"{sent} requests sent", passed, lines)
    ctx.summary["disk-start"] = {"codes": codes, "sent": sent, "lines": lines}
    rng = random.Random(ctx.seed * 101 + 7)
    for mechanism in ("tmpfs", "rlimit"):
        amounts = (rng.sample([8, 12, 16, 20, 24], 3) if mechanism == "tmpfs" else
                   rng.sample([6000, 9000, 12000, 15000], 3))
        results = []
        lines = []
        for index, amount in enumerate(amounts):
            value = amount * 1024 if mechanism == "tmpfs" else amount
            outcome = disk_trial(ctx, base, f"{mechanism}{index}", mechanism, value, ctx.seed + 700 + index)
            if outcome is None:
                lines = ["no tmpfs (not root, or mount failed): covered by the RLIMIT_FSIZE trials"]
                results = []
                break
            passed, trial_lines, summary = outcome
            results.append((passed, summary))
            lines += [f"trial {index + 1}: {line}" for line in trial_lines]
        if not results:
            figures.add(f"full disk ({mechanism}): not available on this machine", None, lines)
            ctx.summary[f"disk-{mechanism}"] = {"available": False}
            continue
        counted = [r for r in results if r[0] is not None]
        passed = bool(counted) and all(r[0] for r in counted)
        without = sum(r[1]["without_intent"] for r in results)
        duplicates = sum(r[1]["duplicates"] for r in results)
        exits = ", ".join(str(r[1]["exit"]) for r in results)
        figures.add(f"full disk ({mechanism}): {len(counted)} of {len(results)} runs hit the limit, exits {exits}, "
                    f"{without} paid submissions without a durable intent, {duplicates} duplicate paid submissions "
                    f"after the resume", passed, lines)
        ctx.summary[f"disk-{mechanism}"] = {"trials": [r[1] for r in results], "counted": len(counted)}
