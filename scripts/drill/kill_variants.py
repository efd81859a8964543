"""Kill-resume on the two other paths a run can take: the Suno proxy, which honours no idempotency keys, and
`run --simulate`, whose simulated provider lives in the killed process and keeps its state in a file."""
import collections
import json
import os
import random
import re

from .albums import Album
from .harness import Simulator
from .ledger import ledger_loads, read_ledger_files

# The proxy reports no estimate, so the drill tells setlist how long a simulated task takes.
PROXY_TASK_SECONDS = "1"
ACCEPTED = re.compile(r"Z [a-z0-9-]+: accepted as ")


def paid_bodies(tasks):
    """How often each identical request body was paid for."""
    return collections.Counter(json.dumps(task["request"], sort_keys=True) for task in tasks)


def proxy_kills(ctx, figures, base, kills):
    """SIGKILL a proxy run of the whole-song album (lyrics, extensions, a join, WAV masters) at seeded random
    moments. Without idempotency keys a job whose POST may have gone out
    unanswered is held (`unknown`), never sent again on its own: before the user releases the held jobs with
    --resubmit-unknown nothing is paid twice, and afterwards duplicates never exceed the jobs released."""
    rng = random.Random(ctx.seed * 7919 + 2027)
    env = dict(ctx.env, SETLIST_SUNO_PROXY_TASK_SECONDS=PROXY_TASK_SECONDS)
    simulator = Simulator(ctx, base, "proxy", seed=ctx.seed * 1000 + 2027, speed=60)
    try:
        album = Album(ctx, os.path.join(base, "proxy"), simulator.url, api="suno-proxy", shape="whole")
        done = 0
        finished = False
        unloadable = []
        for index in range(kills):
            run = ctx.spawn_run(album, f"proxy-{index}", kill_after=rng.uniform(0.15, 2.5), env=env)
            if not run.killed:
                finished = run.rc == 0
                break
            done += 1
            problems, _, _ = ledger_loads(album, f"proxy-{index}-status")
            unloadable += [f"kill {index}: {problem}" for problem in problems]
        before_release = paid_bodies(simulator.tasks())
        paid_twice_unreleased = sum(count - 1 for count in before_release.values())
        released = 0
        resume_rc = 0
        if not finished:
            _, status = album.status("proxy-held")
            released = sum(1 for job in (status or {}).get("jobs", []) if job.get("state") == "unknown")
            resume = ctx.run(["run", album.manifest, *(["--resubmit-unknown"] if released else [])], album.dir,
                             "proxy-resume", timeout=300, env=env)
            resume_rc = resume.rc
        bodies = paid_bodies(simulator.tasks())
        duplicates = sum(count - 1 for count in bodies.values())
        snapshot, _, _, _ = read_ledger_files(album.ledger)
        jobs = (snapshot or {}).get("jobs", {})
        completed = sum(1 for job in album.job_ids if jobs.get(job, {}).get("state") == "completed")
    finally:
        simulator.stop()
    passed = (not unloadable and paid_twice_unreleased == 0 and duplicates <= released and resume_rc == 0
              and completed == len(album.job_ids))
    figures.add(f"kill-resume proxy: {done} kills, {paid_twice_unreleased} jobs paid twice before the user released "
                f"any, {duplicates} duplicate paid submissions for {released} released jobs, {len(unloadable)} "
                f"unloadable ledgers, {completed}/{len(album.job_ids)} jobs completed", passed,
                [f"api suno-proxy (no idempotency keys), simulator --speed 60, kills at seeded moments 0.15-2.5 s "
                 f"after the start; the resume exited {resume_rc}",
                 "the album has a lyrics job, a song that sings it, a song extended twice and joined, and a WAV "
                 "master of every song"] + unloadable[:5])
    ctx.summary["kill-resume-proxy"] = {"kills": done, "paid_twice_unreleased": paid_twice_unreleased,
                                        "duplicates": duplicates, "released": released, "completed": completed}


def simulated_kill(ctx, figures, base):
    """SIGKILL a `run --simulate` once a task id is durable (its first "accepted as" line), then resume: every task
    id in the ledger is known to the simulated provider's saved state, and nothing is paid twice."""
    album = Album(ctx, os.path.join(base, "simulated"), "http://127.0.0.1:9", task_timeout="20s")
    killed = ctx.spawn_run(album, "simulate-killed", trigger=ACCEPTED.search,
                           extra_args=("--simulate", "--speed", "20"))
    resume = ctx.run(["run", album.manifest, "--simulate", "--speed", "400", "--quiet"], album.dir,
                     "simulate-resume", timeout=300)
    snapshot, _, _, _ = read_ledger_files(os.path.join(album.dir, "album.sim.ledger.json"))
    jobs = (snapshot or {}).get("jobs", {})
    once = [job for job in album.job_ids
            if jobs.get(job, {}).get("state") == "completed" and len(jobs[job].get("attempts", [])) == 1]
    forgotten = "does not exist" in resume.text
    passed = killed.killed and resume.rc == 0 and not forgotten and len(once) == len(album.job_ids)
    figures.add(f"kill-resume simulate: killed after the first accepted task {'yes' if killed.killed else 'no'}, "
                f"resume exit {resume.rc}, task ids unknown to the simulated provider: "
                f"{'yes' if forgotten else 'no'}, {len(once)}/{len(album.job_ids)} jobs completed in one attempt",
                passed, [] if passed else [resume.text.strip()[-400:]])
    ctx.summary["kill-resume-simulate"] = {"killed": killed.killed, "resume_exit": resume.rc,
                                           "forgotten": forgotten, "once": len(once)}
