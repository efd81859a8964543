"""The lock drill: two runs of one manifest, stale and foreign locks."""
import collections
import json
import os
import random
import shutil
import socket
import threading
import time

from .albums import Album
from .audit import audit, clean
from .harness import EXIT_TRY_LATER, Simulator, dead_pid
from .ledger import read_ledger_files


def start_two(ctx, album, name):
    """Starts two runs of the same manifest at the same moment and waits for both."""
    barrier = threading.Barrier(2)
    results = [None, None]

    def one(index):
        barrier.wait()
        results[index] = ctx.run(["run", album.manifest], album.dir, f"{name}-{'ab'[index]}", timeout=240)

    threads = [threading.Thread(target=one, args=(index,)) for index in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def write_lock(album, pid, host, started_ms=1795000000000):
    with open(album.lock, "w") as handle:
        handle.write(json.dumps({"host": host, "pid": pid, "started_at_ms": started_ms}, separators=(",", ":"))
                     + "\n")


def drill_lock(ctx, figures):
    base = ctx.directory("lock")
    host = socket.gethostname()
    trials = [("fresh", None)] * 4 + [("stale", "stale")] * 2
    race_ok = True
    race_lines = []
    loser_kinds = collections.Counter()
    duplicates = 0
    for index, (kind, _) in enumerate(trials):
        simulator = Simulator(ctx, base, f"race{index}", seed=ctx.seed + 500 + index, speed=150)
        try:
            album = Album(ctx, os.path.join(base, f"race{index}-{kind}"), simulator.url)
            if kind == "stale":
                write_lock(album, dead_pid(), host)
            first, second = start_two(ctx, album, f"race{index}")
            codes = sorted([first.rc, second.rc])
            winner = first if first.rc == 0 else second
            loser = second if winner is first else first
            message = loser.text
            names_lock = album.lock in message
            if "Another setlist run is using this ledger" in message:
                loser_kinds["held by a running process"] += 1
            elif "does not say which process holds it" in message:
                loser_kinds["lock file read while empty (unreadable)"] += 1
            else:
                loser_kinds["other"] += 1
            takeover = kind != "stale" or "Took over the lock" in winner.text
            report = audit(album, simulator)
            snapshot, _, _, _ = read_ledger_files(album.ledger)
            runs = len(snapshot.get("runs", [])) if snapshot else 0
            duplicates += report["duplicates"]
            leftover = os.path.exists(album.lock + ".next")
            ok = (codes == [0, EXIT_TRY_LATER] and names_lock and takeover and clean(report) and runs == 1
                  and not leftover)
            race_ok &= ok
            race_lines.append(
                f"race {index} ({kind} start): exits {first.rc} and {second.rc}; loser names the lock: "
                f"{'yes' if names_lock else 'no'}; " + (f"winner took over the stale lock: "
                                                        f"{'yes' if takeover else 'no'}; " if kind == 'stale'
                                                        else "")
                + f"runs in the ledger {runs}; duplicates {report['duplicates']}"
                + ("; takeover successor file left behind" if leftover else "")
                + ("" if ok else " <- FAIL: " + (message.strip().splitlines() or [""])[-1][:200]))
        finally:
            simulator.stop()
    figures.add(f"lock race: {len(trials)} races of two simultaneous runs, "
                f"{sum(1 for line in race_lines if '<- FAIL' not in line)} with one exit 75 naming the lock and one "
                f"completed run, {duplicates} duplicate paid submissions", race_ok,
                race_lines + ["loser's message: " + ", ".join(f"{k} {v}" for k, v in sorted(loser_kinds.items()))])

    # Stale, live and foreign holders.
    simulator = Simulator(ctx, base, "holders", seed=ctx.seed + 600, speed=150)
    lines = []
    ok = True
    try:
        album = Album(ctx, os.path.join(base, "holders"), simulator.url)
        write_lock(album, simulator.process.pid, host)
        live = ctx.run(["run", album.manifest], album.dir, "live-holder", timeout=60)
        requests_after_live = sum(simulator.api_requests().values())
        live_ok = (live.rc == EXIT_TRY_LATER and album.lock in live.text and str(simulator.process.pid) in live.text
                   and requests_after_live == 0 and not os.path.exists(album.ledger)
                   and not os.path.exists(album.journal))
        lines.append(f"lock of a live process (pid {simulator.process.pid}) on this host: exit {live.rc}, names the "
                     f"lock and the pid: {'yes' if album.lock in live.text else 'no'}, requests sent "
                     f"{requests_after_live}, ledger files created: "
                     f"{'yes' if os.path.exists(album.journal) else 'no'}")
        write_lock(album, 4242, "another-host.example")
        foreign = ctx.run(["run", album.manifest], album.dir, "foreign-holder", timeout=60)
        foreign_ok = foreign.rc == EXIT_TRY_LATER and "another-host.example" in foreign.text and \
            sum(simulator.api_requests().values()) == 0
        lines.append(f"lock of a process on another host: exit {foreign.rc}, names the host: "
                     f"{'yes' if 'another-host.example' in foreign.text else 'no'}, requests sent "
                     f"{sum(simulator.api_requests().values())}")
        pid = dead_pid()
        write_lock(album, pid, host)
        stale = ctx.run(["run", album.manifest], album.dir, "stale-holder", timeout=240)
        warned = "Took over the lock" in stale.text and str(pid) in stale.text
        report = audit(album, simulator)
        stale_ok = stale.rc == 0 and warned and not os.path.exists(album.lock) and clean(report)
        lines.append(f"stale lock of dead pid {pid}: exit {stale.rc}, warning naming the old pid: "
                     f"{'yes' if warned else 'no'}, lock removed at the end: "
                     f"{'yes' if not os.path.exists(album.lock) else 'no'}, duplicates {report['duplicates']}")
        warning = [line for line in stale.text.splitlines() if "Took over the lock" in line]
        if warning:
            lines.append("warning: " + warning[0].strip()[:300])
        ok = live_ok and foreign_ok and stale_ok
    finally:
        simulator.stop()
    figures.add("lock holders: stale lock taken over with a warning, live and foreign holders stop the run with "
                "exit 75 before anything is sent", ok, lines)
    ctx.summary["lock"] = {"races": race_lines, "holders": lines, "loser_kinds": dict(loser_kinds)}
    lock_kills(ctx, figures, base)


def lock_kills(ctx, figures, base, kills=100, window=0.04):
    """SIGKILLs while a run takes its lock. A killed run's lock must be taken over by the next run (DESIGN §3), and
    no kill may leave a lock file without its content: setlist writes the holder line to `<lock>.<pid>.tmp` and
    links it into place. Random kills in the first `window` seconds rarely land inside that sequence, so with
    strace available the drill also injects the SIGKILL at the link(2) that creates the lock
    (strace -P LOCK -e inject=link:signal=KILL). Last, an empty lock file of the kind older versions could leave,
    aged past the grace period, must be taken over."""
    rng = random.Random(ctx.seed * 13 + 5)
    simulator = Simulator(ctx, base, "lock-kills", seed=ctx.seed + 900, speed=200)
    empty = 0
    stuck = []
    left = 0
    injected = None
    try:
        album = Album(ctx, os.path.join(base, "lock-kills"), simulator.url)
        done = ctx.run(["run", album.manifest], album.dir, "complete-first", timeout=240)
        for index in range(kills):
            run = ctx.spawn_run(album, f"lock-kill-{index}", kill_after=rng.uniform(0, window), timeout=60)
            if not run.killed or not os.path.exists(album.lock):
                continue
            with open(album.lock, "rb") as handle:
                content = handle.read()
            try:
                left += json.loads(content)["pid"] == run.pid  # else an older kill's lock, not yet taken over
            except (ValueError, KeyError, TypeError):
                pass
            if not content:
                empty += 1
                after = ctx.run(["run", album.manifest], album.dir, f"after-empty-lock-{index}", timeout=60)
                stuck.append(("random", after.rc, next((line for line in after.text.splitlines()
                                                        if line.startswith("error:")), "")))
                os.remove(album.lock)  # recorded; start the next kill from a clean state
        strace = shutil.which("strace")
        if strace:
            if os.path.exists(album.lock):
                os.remove(album.lock)
            probe = ctx.run(["run", album.manifest], album.dir, "strace-kill-at-lock-link", timeout=120,
                            prefix=[strace, "-f", "-qq", "-o", os.path.join(album.dir, "logs", "strace.txt"), "-P",
                                    album.lock, "-e", "trace=link", "-e", "inject=link:signal=KILL"])
            size = os.path.getsize(album.lock) if os.path.exists(album.lock) else None
            after = ctx.run(["run", album.manifest], album.dir, "after-injected-kill", timeout=120)
            injected = (probe.rc, size, after.rc,
                        next((line for line in after.text.splitlines() if line.startswith("error:")), ""))
            if size == 0:
                empty += 1
                stuck.append(("strace", after.rc, injected[3]))
            if os.path.exists(album.lock) and after.rc != 0:
                os.remove(album.lock)
        with open(album.lock, "wb"):
            pass
        aged = time.time() - 60
        os.utime(album.lock, (aged, aged))
        legacy = ctx.run(["run", album.manifest], album.dir, "after-old-empty-lock", timeout=120)
        legacy_ok = legacy.rc == 0 and "which was empty or damaged" in legacy.text
        final = ctx.run(["run", album.manifest], album.dir, "final", timeout=240)
    finally:
        simulator.stop()
    refused = [entry for entry in stuck if entry[1] != 0]
    lines = [f"{kills} SIGKILLs at 0-{window * 1000:.0f} ms after the start of a run of a completed album "
             f"(first run exit {done.rc}): {left} left their own lock behind (taken over by the next run), "
             f"{empty - (1 if injected and injected[1] == 0 else 0)} left an empty one"]
    if injected:
        lines.append(f"SIGKILL injected by strace at the link(2) that creates the lock file: exit {injected[0]}, lock "
                     f"file " + ("absent" if injected[1] is None else f"left with {injected[1]} bytes")
                     + f"; the next run exits {injected[2]}")
    else:
        lines.append("strace not found: the injected kill at the lock's link was not tried")
    lines.append(f"an empty lock file last written 60 s ago: the next run exits {legacy.rc}"
                 + (" and takes it over with a warning" if legacy_ok else " <- FAIL"))
    for kind, code, error in stuck[:2]:
        lines.append(f"{kind}: {error[:300]}")
    if refused:
        lines.append("expected: the lock of a killed run is taken over (DESIGN §3); an empty lock names no process, "
                     "so every later run (a nightly cron) exits 75 until someone deletes the file by hand")
    lines.append(f"final run: exit {final.rc}")
    injected_ok = injected is None or (injected[1] is None and injected[2] == 0)
    figures.add(f"lock kills: {kills + (1 if injected else 0)} SIGKILLs while a run takes its lock, {empty} left an "
                f"empty lock file, {len(refused)} later run{'' if len(refused) == 1 else 's'} refused by it",
                not refused and empty == 0 and injected_ok and legacy_ok and final.rc == 0, lines)
    ctx.summary["lock-kills"] = {"kills": kills, "left": left, "empty": empty, "stuck": stuck, "injected": injected,
                                 "old_empty_lock_exit": legacy.rc}
