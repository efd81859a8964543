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


# The moments of a whole-song run a kill lands on: each new kind of job right after its intent is durable
# ("submitting", before or while its paid request goes out), and right after its task id is durable.
WHOLE_SONG_TRIGGERS = [
    r"tide-words: submitting", r"tide-song: accepted as", r"long-shore\.extend-1: submitting",
    r"long-shore\.extend-1: accepted as", r"long-shore\.extend-2: submitting", r"long-shore\.join: submitting",
    r"long-shore\.join: accepted as", r"\.wav: submitting", r"\.wav: accepted as", r"\.wav: saved",
]


def whole_song_kills(ctx, figures, base):
    """SIGKILL a proxy run of the whole-song album on each new kind's durable moments (a lyrics job, a song that
    sings its text, two extensions, the join, the WAV masters), each next run releasing the jobs the kill left held:
    no more duplicate paid submissions than jobs released (a job with a task id is never sent again), every job
    completed, and the album folder holds every song with its WAV master."""
    env = dict(ctx.env, SETLIST_SUNO_PROXY_TASK_SECONDS=PROXY_TASK_SECONDS)
    simulator = Simulator(ctx, base, "whole", seed=ctx.seed * 1000 + 2031, speed=30)
    try:
        album = Album(ctx, os.path.join(base, "whole"), simulator.url, api="suno-proxy", shape="whole")
        kills = 0
        released = 0
        unloadable = []
        fired = []
        for index, pattern in enumerate(WHOLE_SONG_TRIGGERS + [None]):
            _, status = album.status(f"whole-{index}-held")
            held = sum(1 for job in (status or {}).get("jobs", []) if job.get("state") == "unknown")
            released += held
            extra = ("--resubmit-unknown",) if held else ()
            if pattern is None:
                resume = ctx.run(["run", album.manifest, *extra], album.dir, "whole-resume", timeout=300, env=env)
                break
            expression = re.compile(pattern)
            run = ctx.spawn_run(album, f"whole-{index}", trigger=expression.search, env=env, extra_args=extra)
            kills += 1 if run.killed else 0
            fired += [pattern.replace("\\", "")] if run.killed else []
            problems, _, _ = ledger_loads(album, f"whole-{index}-status")
            unloadable += [f"kill {index} ({pattern}): {problem}" for problem in problems]
        duplicates = sum(count - 1 for count in paid_bodies(simulator.tasks()).values())
        snapshot, _, _, _ = read_ledger_files(album.ledger)
        jobs = (snapshot or {}).get("jobs", {})
        completed = sum(1 for job in album.job_ids if jobs.get(job, {}).get("state") == "completed")
        folder = os.path.join(album.dir, "out", "coastline-stories", "album")
        names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
        masters = sum(1 for name in names if name.endswith(".wav"))
        tracks = sum(1 for name in names if name.endswith(".mp3"))
    finally:
        simulator.stop()
    passed = (not unloadable and duplicates <= released and resume.rc == 0
              and completed == len(album.job_ids) and tracks == len(album.songs) and masters == len(album.songs))
    figures.add(f"kill-resume whole songs: {kills} kills on {len(WHOLE_SONG_TRIGGERS)} moments, "
                f"{duplicates} duplicate paid submissions for {released} held jobs released with --resubmit-unknown, "
                f"{len(unloadable)} unloadable ledgers, "
                f"{completed}/{len(album.job_ids)} jobs completed, album {tracks} tracks and {masters} WAV masters",
                passed,
                ["api suno-proxy, simulator --speed 30; one kill per moment, each on the first output line matching "
                 + ", ".join(WHOLE_SONG_TRIGGERS) + "; each run after a kill releases the jobs the kill left held "
                 f"(--resubmit-unknown), as a user would after checking the dashboard; the final resume exited "
                 f"{resume.rc}",
                 "killed at: " + ", ".join(fired) + " (a moment whose job an earlier run finished does not come)"]
                + unloadable[:5])
    ctx.summary["kill-resume-whole-songs"] = {"kills": kills, "duplicates": duplicates, "released": released,
                                              "completed": completed}
