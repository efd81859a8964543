"""Compares what the simulator was paid for with the ledger and the files on disk."""
import collections
import hashlib
import json
import os
import re

from .ledger import ledger_keys_and_tasks, read_ledger_files


KEY_PATTERN = re.compile(r"^sl-(?P<job>.+)-(?P<attempt>\d+)-[0-9a-f]{16}$")


def audit(album, simulator, require_complete=True):
    """Compares the simulator's paid tasks with the ledger and the files on disk.

    Returns a dict: duplicates (paid tasks beyond the first that was never refunded, per job, per identical body,
    and from /_sim/stats), lost (paid tasks missing from the ledger, results or files missing or wrong, ledger
    files that do not parse), unfinished (jobs not completed, when `require_complete`), not_once (completed jobs
    without exactly one completed task at the simulator), and counters."""
    tasks = simulator.tasks()
    stats = simulator.stats()
    snapshot, events, _, problems = read_ledger_files(album.ledger)
    keys, task_jobs = ledger_keys_and_tasks(album)
    lost = list(problems)
    if events:
        lost.append(f"journal still holds {len(events)} events after the final run (not compacted)")
    jobs = snapshot["jobs"] if snapshot else {}

    by_job = collections.defaultdict(list)
    unattributed = []
    for task in tasks:
        job = task_jobs.get(task["id"]) or keys.get(task.get("idempotency_key") or "")
        if job is None:
            match = KEY_PATTERN.match(task.get("idempotency_key") or "")
            job = match.group("job") if match else None
        if job is None:
            unattributed.append(task["id"])
        by_job[job].append(task)

    duplicates_by_job = 0
    details = []
    for job, job_tasks in by_job.items():
        charged = [task for task in job_tasks if task["status"] != "failed"]
        if len(charged) > 1:
            duplicates_by_job += len(charged) - 1
            details.append(f"job {job}: {len(charged)} paid tasks never refunded: "
                           + ", ".join(f"{task['id']} ({task['status']}, key {task.get('idempotency_key')})"
                                       for task in charged))
    by_body = collections.defaultdict(list)
    for task in tasks:
        by_body[json.dumps(task["request"], sort_keys=True)].append(task)
    duplicates_by_body = sum(max(0, len([t for t in group if t["status"] != "failed"]) - 1)
                             for group in by_body.values())
    key_counts = collections.Counter(task.get("idempotency_key") for task in tasks if task.get("idempotency_key"))
    keys_created_twice = sum(count - 1 for count in key_counts.values() if count > 1)
    paid = stats.get("paid_submissions", {})
    if paid.get("created") != len(tasks):
        details.append(f"simulator stats count {paid.get('created')} created tasks, /_sim/tasks lists {len(tasks)}")
    if sum(paid.get("by_idempotency_key", {}).values()) != paid.get("created", 0) + paid.get("replayed", 0):
        details.append("by_idempotency_key does not add up to created + replayed")
    # The same from /_sim/stats alone: identical bodies paid more than once, less the honest repeats (replays
    # under the same key charge nothing; a body sent again after its task failed was refunded the first time).
    body_excess = sum(max(0, count - 1) for count in paid.get("by_body", {}).values())
    failed = sum(1 for task in tasks if task["status"] == "failed")
    duplicates_by_stats = max(0, body_excess - paid.get("replayed", 0) - failed)
    duplicates = max(duplicates_by_job, duplicates_by_body, duplicates_by_stats) + keys_created_twice

    for task in tasks:
        if task["id"] not in task_jobs:
            lost.append(f"paid task {task['id']} (key {task.get('idempotency_key')}, {task['status']}) "
                        "is not recorded in the ledger")
    not_once = []
    unfinished = []
    sim_by_id = {task["id"]: task for task in tasks}
    for job in album.job_ids:
        completed_tasks = [task for task in by_job.get(job, []) if task["status"] == "completed"]
        record = jobs.get(job)
        if record is None or record.get("state") != "completed":
            if require_complete:
                unfinished.append(f"job {job} " + ("is not in the ledger" if record is None
                                                   else f"ended {record.get('state')}"))
            continue
        if len(completed_tasks) != 1:
            not_once.append(f"{job}: {len(completed_tasks)} completed tasks at the simulator")
        done = [attempt for attempt in record.get("attempts", []) if attempt.get("outcome") == "completed"]
        if len(done) != 1:
            lost.append(f"job {job}: {len(done)} completed attempts in the ledger")
            continue
        task = sim_by_id.get(done[0].get("task_id"))
        if task is None or task["status"] != "completed":
            lost.append(f"job {job}: its completed attempt's task {done[0].get('task_id')} is not a completed "
                        "task at the simulator")
            continue
        if job in album.persona_ids:
            if record.get("persona_id") != task.get("persona_id"):
                lost.append(f"persona {job}: ledger persona_id {record.get('persona_id')} != simulator "
                            f"{task.get('persona_id')}")
            continue
        results = done[0].get("results", record.get("results", []))  # format 2 keeps takes per attempt
        if [result.get("result_id") for result in results] != task.get("result_ids"):
            lost.append(f"song {job}: ledger results {[r.get('result_id') for r in results]} != simulator "
                        f"{task.get('result_ids')}")
        for result in results:
            files = {item["kind"]: item for item in result.get("files", [])}
            for kind in ("audio", "cover"):
                item = files.get(kind)
                if item is None:
                    lost.append(f"song {job} result {result.get('result_id')}: no {kind} file recorded")
                    continue
                path = item["path"] if item["path"].startswith("/") else os.path.join(album.dir, item["path"])
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError as error:
                    lost.append(f"song {job}: {item['path']} unreadable: {error}")
                    continue
                if hashlib.sha256(data).hexdigest() != item["sha256"] or len(data) != item["bytes"]:
                    lost.append(f"song {job}: {item['path']} does not match its recorded sha256/size")
    return {
        "duplicates": duplicates,
        "duplicates_by_job": duplicates_by_job,
        "duplicates_by_body": duplicates_by_body,
        "keys_created_twice": keys_created_twice,
        "duplicates_by_stats": duplicates_by_stats,
        "duplicate_details": details,
        "lost": lost,
        "not_once": not_once,
        "unfinished": unfinished,
        "unattributed": unattributed,
        "created": paid.get("created", 0),
        "replayed": paid.get("replayed", 0),
        "failed_tasks": sum(1 for task in tasks if task["status"] == "failed"),
        "stats": stats,
        "tasks": tasks,
    }


def first_error(result):
    """The first `error:` line a run printed, else its last line."""
    lines = result.text.strip().splitlines()
    return next((line for line in lines if line.startswith("error:")), lines[-1] if lines else "")[:400]


def clean(report):
    """No duplicate, nothing lost, every job completed exactly once."""
    return report["duplicates"] == 0 and not report["lost"] and not report["unfinished"] and not report["not_once"]


def issues(report, limit=3):
    return (report["lost"][:limit] + report["unfinished"][:limit] + report["not_once"][:limit]
            + report["duplicate_details"][:limit])


def redact(value, ctx):
    """The simulator's statistics name accounts by their bearer key; evidence files keep a placeholder."""
    text = json.dumps(value, sort_keys=True)
    return json.loads(text.replace(ctx.key, "<drill-key>").replace(ctx.wrong_key, "<wrong-key>"))
