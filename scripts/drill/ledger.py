"""Reads a ledger as docs/LEDGER.md describes it: the snapshot and the journal, without setlist."""
import json
import os


def read_ledger_files(ledger_path):
    """Parses the snapshot and every complete journal line as docs/LEDGER.md describes them.

    Returns (snapshot or None, events, torn_last_line, problems)."""
    problems = []
    snapshot = None
    if os.path.exists(ledger_path):
        try:
            with open(ledger_path, "rb") as handle:
                snapshot = json.loads(handle.read())
            if not isinstance(snapshot, dict) or not isinstance(snapshot.get("jobs"), dict):
                problems.append(f"snapshot {ledger_path} is JSON but not a ledger")
                snapshot = None
        except ValueError as error:
            problems.append(f"snapshot {ledger_path} does not parse: {error}")
    events = []
    torn = False
    journal = ledger_path + ".journal"
    if os.path.exists(journal):
        with open(journal, "rb") as handle:
            data = handle.read()
        pieces = data.split(b"\n")
        last = pieces.pop()  # b"" when the journal ends with a newline
        if last:
            torn = True
        base = snapshot.get("journal_sequence", 0) if snapshot else 0
        expected = base + 1
        for number, piece in enumerate(pieces, start=1):
            try:
                event = json.loads(piece)
                sequence = event["seq"]
            except (ValueError, KeyError, TypeError) as error:
                problems.append(f"journal {journal} line {number} does not parse: {error}")
                continue
            if sequence <= base:
                continue
            if sequence != expected:
                problems.append(f"journal {journal} line {number}: seq {sequence}, expected {expected}")
            expected = sequence + 1
            events.append(event)
    return snapshot, events, torn, problems


def ledger_loads(album, name):
    """Whether the ledger loads: setlist status --json exits 0 and parses, and so do the snapshot and every
    complete journal line. Returns (problems, status object, torn)."""
    _, _, torn, problems = read_ledger_files(album.ledger)
    result, status = album.status(name)
    if result.rc != 0 or status is None:
        problems.append(f"setlist status --json exited {result.rc}: {(result.err or result.out).strip()[:300]}")
    return problems, status, torn


def ledger_keys_and_tasks(album):
    """Idempotency keys with a durable intent and task ids recorded, from the snapshot and the journal."""
    snapshot, events, _, _ = read_ledger_files(album.ledger)
    keys = {}
    tasks = {}
    if snapshot:
        for job, record in snapshot["jobs"].items():
            for attempt in record.get("attempts", []):
                keys[attempt["idempotency_key"]] = job
                if attempt.get("task_id"):
                    tasks[attempt["task_id"]] = job
    for event in events:
        if event.get("type") == "submit_intent":
            keys[event["idempotency_key"]] = event["job"]
        elif event.get("type") == "submit_accepted":
            tasks[event["task_id"]] = event["job"]
    return keys, tasks
