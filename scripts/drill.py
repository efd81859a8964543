#!/usr/bin/env python3
"""Reliability drills for setlist (DESIGN §7 "Reliability"), against an external `setlist simulate`.

Usage:
    python3 scripts/drill.py [--binary PATH] [--kills N] [--seed N] [--only NAME,...] [--keep] [--verbose]

Drills (all by default, in this order; --only picks some):
    kill-resume  SIGKILL a run of a generated 12-song, 2-persona album at seeded random moments (very early,
                 on chosen log events, on a timer, very late), check after every kill that the ledger loads,
                 resume, and finally run to completion; count duplicate paid submissions, lost results,
                 unloadable ledgers and jobs not completed exactly once. Every second album also gets lost
                 answers and failed tasks (lost=0.1,fail=0.1), so replays of unconfirmed submissions and new
                 attempts after failures mix with the kills.
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

Each figure is printed as one line ending in PASS or FAIL (details indented below it); the exit status is 1 if
any figure fails, 2 if the drill itself could not run. Every drill runs in its own directory under one
temporary root (kept with --keep), with HOME and TMPDIR pointed inside it so that nothing the tool writes
escapes the key scan. The default binary is .build-release/release/setlist (built with
`swift build -c release --product setlist --scratch-path .build-release` when missing).
"""
import argparse
import base64
import collections
import hashlib
import json
import os
import random
import re
import resource
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.request

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DRILLS = ["kill-resume", "faults", "storm", "lock", "disk", "invalid", "keyscan", "hostile"]
KEY_ENV = "SETLIST_DRILL_KEY"

# Failure codes setlist retries (SetlistCore/Provider/ProviderTypes.swift, TaskFailure.retriableCodes); a job whose
# last failure has another code (content_policy_violation, a 4xx) fails for good without spending its budget.
RETRIABLE_CODES = {
    "service_error", "resource_exhausted", "service_unavailable", "generation_timeout", "quota_exceeded",
    "unknown_error", "generation_failed_no_content", "model_unavailable", "upstream_error", "request_cancelled",
    "task_timeout", "resource_not_found",
}
EXIT_TRY_LATER = 75
EXIT_LEDGER_UNWRITABLE = 70

# ----------------------------------------------------------------------------------------------------------------
# Output


class Figures:
    """Collects the printed figures and whether each passed."""

    def __init__(self):
        self.items = []

    def add(self, text, passed, details=()):
        """`passed` is True, False, or None for a check this machine cannot do (SKIP, not a failure)."""
        verdict = "SKIP" if passed is None else "PASS" if passed else "FAIL"
        print(f"{text}: {verdict}", flush=True)
        for line in details:
            print(f"    {line}", flush=True)
        self.items.append({"figure": text, "verdict": verdict, "details": list(details)})

    @property
    def failed(self):
        return [item for item in self.items if item["verdict"] == "FAIL"]


def note(ctx, text):
    if ctx.verbose:
        print(f"  .. {text}", file=sys.stderr, flush=True)


class DrillError(Exception):
    """The drill itself could not run (a setup step failed)."""


# ----------------------------------------------------------------------------------------------------------------
# Processes


class Result:
    def __init__(self, rc, out, err, seconds, killed=False, hung=False, lines=None):
        self.rc = rc
        self.out = out
        self.err = err
        self.seconds = seconds
        self.killed = killed
        self.hung = hung
        self.lines = lines or []
        self.pid = None

    @property
    def text(self):
        return self.out + self.err


class Context:
    def __init__(self, args, root):
        self.binary = args.binary
        self.seed = args.seed
        self.kills = args.kills
        self.verbose = args.verbose
        self.root = root
        self.rng = random.Random(args.seed)
        token = "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24))
        self.key = f"sk-drill-{token}"
        self.wrong_key = "sk-wrong-" + "".join(self.rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                                               for _ in range(24))
        self.secrets = tempfile.mkdtemp(prefix="setlist-drill-secrets-")
        os.makedirs(os.path.join(root, "home"), exist_ok=True)
        os.makedirs(os.path.join(root, "tmp"), exist_ok=True)
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.path.join(root, "home"),
            "TMPDIR": os.path.join(root, "tmp"),
            "LANG": "C.UTF-8",
            KEY_ENV: self.key,
        }
        self.counter = 0
        self.processes = []
        self.mounts = []
        self.summary = {}

    def directory(self, *parts):
        path = os.path.join(self.root, *parts)
        os.makedirs(path, exist_ok=True)
        return path

    def log_paths(self, directory, name):
        self.counter += 1
        logs = os.path.join(directory, "logs")
        os.makedirs(logs, exist_ok=True)
        stem = os.path.join(logs, f"{self.counter:04d}-{name}")
        return stem + ".out", stem + ".err"

    def run(self, args, cwd, name, timeout=300, env=None, preexec_fn=None, prefix=()):
        """Runs setlist with `args` (after `prefix`, such as strace) to its end (or kills it after `timeout`
        seconds as hung)."""
        out_path, err_path = self.log_paths(cwd, name)
        started = time.monotonic()
        process = subprocess.Popen([*prefix, self.binary] + args, cwd=cwd, env=env or self.env, stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, preexec_fn=preexec_fn)
        hung = False
        try:
            out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            hung = True
            process.kill()
            out, err = process.communicate()
        seconds = time.monotonic() - started
        with open(out_path, "wb") as handle:
            handle.write(out)
        with open(err_path, "wb") as handle:
            handle.write(err)
        return Result(process.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"), seconds,
                      hung=hung)

    def spawn_run(self, album, name, kill_after=None, trigger=None, extra_delay=0.0, timeout=180, extra_args=(),
                  signum=signal.SIGKILL):
        """Starts `setlist run` on `album`; sends it `signum` (SIGKILL unless told) `kill_after` seconds after the
        start, or when `trigger(line)` first returns true for a line of its output (after `extra_delay` seconds)."""
        out_path, err_path = self.log_paths(album.dir, name)
        started = time.monotonic()
        process = subprocess.Popen([self.binary, "run", album.manifest, *extra_args], cwd=album.dir, env=self.env,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        lines = []
        err_chunks = []
        state = {"killed": False}
        lock = threading.Lock()

        def kill():
            with lock:
                if process.poll() is None:
                    process.send_signal(signum)
                    state["killed"] = True

        def read_out():
            fired = False
            for raw in process.stdout:
                line = raw.decode("utf-8", "replace").rstrip("\n")
                lines.append((time.monotonic() - started, line))
                if trigger and not fired and trigger(line):
                    fired = True
                    if extra_delay > 0:
                        time.sleep(extra_delay)
                    kill()

        def read_err():
            err_chunks.append(process.stderr.read())

        readers = [threading.Thread(target=read_out, daemon=True), threading.Thread(target=read_err, daemon=True)]
        for reader in readers:
            reader.start()
        hung = False
        timer = None
        if kill_after is not None:
            # A timer thread, not Popen.wait(timeout), whose polling would blur the moment of the kill.
            timer = threading.Timer(max(0.0, kill_after - (time.monotonic() - started)), kill)
            timer.start()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            hung = True
            kill()
            process.wait()
        if timer:
            timer.cancel()
        for reader in readers:
            reader.join(timeout=10)
        seconds = time.monotonic() - started
        out = "\n".join(line for _, line in lines) + ("\n" if lines else "")
        err = b"".join(err_chunks).decode("utf-8", "replace")
        with open(out_path, "w") as handle:
            handle.write(out)
        with open(err_path, "w") as handle:
            handle.write(err)
        killed = state["killed"] and process.returncode == -signal.SIGKILL
        result = Result(process.returncode, out, err, seconds, killed=killed and not hung, hung=hung, lines=lines)
        result.pid = process.pid
        result.signalled = state["killed"] and not hung
        return result

    def cleanup(self, keep):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
        for mount in reversed(self.mounts):
            subprocess.run(["umount", mount], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(self.secrets, ignore_errors=True)
        if not keep:
            shutil.rmtree(self.root, ignore_errors=True)


class Simulator:
    """An external `setlist simulate` on a free loopback port, with its admin routes."""

    def __init__(self, ctx, directory, name, seed, speed, faults=None, rate_limit=None, credits=None):
        self.ctx = ctx
        # --port 0 lets the simulator bind a free port itself and print it: no window in which another process
        # could take a port picked here.
        command = [ctx.binary, "simulate", "--port", "0", "--api-key", ctx.key, "--seed", str(seed),
                   "--speed", str(speed)]
        if faults:
            command += ["--faults", faults]
        if rate_limit:
            command += ["--rate-limit", str(rate_limit)]
        if credits:
            command += ["--credits", str(credits)]
        logs = os.path.join(directory, "logs")
        os.makedirs(logs, exist_ok=True)
        self.log_path = os.path.join(logs, f"simulator-{name}.log")
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen(command, cwd=directory, env=ctx.env, stdout=subprocess.PIPE,
                                        stderr=self.log)
        ctx.processes.append(self.process)
        ready, _, _ = select.select([self.process.stdout], [], [], 20)
        line = self.process.stdout.readline().decode("utf-8", "replace") if ready else ""
        self.log.write(line.encode())
        self.log.flush()
        match = re.search(r"listening on (http://[0-9.]+:\d+)", line)
        if not match:
            self.stop()
            raise DrillError(f"the simulator did not start (first line {line!r}); see {self.log_path}")
        self.url = match.group(1)
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self):
        for chunk in iter(lambda: self.process.stdout.read1(4096), b""):
            self.log.write(chunk)
            self.log.flush()

    def request(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read())

    def stats(self):
        return self.request("GET", "/_sim/stats")

    def tasks(self):
        return self.request("GET", "/_sim/tasks")["tasks"]

    def set_faults(self, spec):
        return self.request("POST", "/_sim/faults", {"spec": spec})

    def api_requests(self, stats=None):
        """Requests to the provider API (not /_sim/*) by status."""
        stats = stats or self.stats()
        counts = collections.Counter()
        for route, statuses in stats.get("requests", {}).items():
            if " /_sim/" in route:
                continue
            for status, count in statuses.items():
                counts[status] += count
        return counts

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()


def dead_pid():
    """A process id that belonged to a process that has exited."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# ----------------------------------------------------------------------------------------------------------------
# Albums

ALBUM_SONGS = [
    {"id": "salt-and-sun", "title": "Salt and Sun", "style": "indie pop, bright guitars, female vocals, 110 bpm",
     "lyrics": "[Verse]\nMorning breaks on the boardwalk boards\nCoffee steam and the ocean roars\n[Chorus]\n"
               "Salt and sun, salt and sun\nEvery road leads back to the one\n", "style_weight": 0.7},
    {"id": "tidewater",
     "prompt": "A slow acoustic ballad about waiting for someone on a tidal island, cello and piano"},
    {"id": "harbor-lights", "title": "Harbor Lights", "style": "dream pop, reverb guitars, warm pads",
     "lyrics_file": "lyrics/harbor-lights.txt", "persona": "coast-voice", "persona_model": "voice_persona"},
    {"id": "undertow", "title": "Undertow", "style": "synth pop, driving bass, moody",
     "lyrics": "[Verse]\nFeet in the sand but my heart's out at sea\n[Chorus]\n"
               "Undertow, undertow, don't let go of me\n", "persona": "coast-voice", "weirdness": 0.4},
    {"id": "lighthouse-keeper",
     "prompt": "An upbeat folk-rock song about a lighthouse keeper who throws a party for passing ships",
     "after": ["tidewater"]},
    {"id": "driftwood", "title": "Driftwood", "style": "ambient, field recordings, soft piano", "instrumental": True,
     "negative_tags": "drums, heavy bass"},
    {"id": "last-ferry", "title": "The Last Ferry", "style": "indie folk, choir, big finish",
     "lyrics": "[Verse]\nOne more crossing before the night\n[Chorus]\n"
               "Hold the rail, hold on tight, the last ferry's leaving tonight\n",
     "persona": "coast-voice", "persona_model": "style_persona", "audio_weight": 0.6},
]
ALBUM_PERSONAS = [
    {"id": "coast-voice", "from": "salt-and-sun", "take": 1, "name": "Coast Singer",
     "description": "Bright, breathy female indie-pop vocals with a warm low register", "vocal_window": [12, 34],
     "style": "indie pop"},
]
# The larger album adds a second persona derived from a song that itself uses the first one, so a run has a
# four-step chain (song, persona, song, persona) before its last songs can start.
EXTRA_SONGS = [
    {"id": "breakwater", "title": "Breakwater", "style": "indie rock, wide drums",
     "lyrics": "[Verse]\nStone on stone against the swell\n[Chorus]\nBreakwater, hold the line\n",
     "persona": "harbor-voice"},
    {"id": "sea-glass", "title": "Sea Glass", "style": "lo-fi pop, soft keys",
     "lyrics": "[Verse]\nGreen and blue in the morning light\n[Chorus]\nSea glass, smooth and bright\n",
     "persona": "harbor-voice", "after": ["driftwood"]},
    {"id": "low-tide", "prompt": "A playful surf-rock instrumental about low tide and rock pools"},
    {"id": "gull-song", "title": "Gull Song", "style": "folk pop, whistling, ukulele",
     "lyrics": "[Verse]\nWheeling high above the pier\n[Chorus]\nGull song, summer's here\n",
     "persona": "coast-voice"},
    {"id": "night-swim", "title": "Night Swim", "style": "dream pop, slow, shimmering",
     "lyrics": "[Verse]\nMoonlight on the water line\n[Chorus]\nNight swim, you and I\n",
     "persona": "harbor-voice", "persona_model": "voice_persona"},
]
EXTRA_PERSONAS = [
    {"id": "harbor-voice", "from": "harbor-lights", "take": 2, "name": "Harbor Singer",
     "description": "Hazy, reverb-soaked dream-pop vocals", "vocal_window": [30, 50]},
]
HARBOR_LYRICS = ("[Verse]\nRed light, green light, the harbor's awake\nRopes on the bollards and gulls in the wake\n"
                 "[Chorus]\nHarbor lights, bring me home\n")


def yaml_scalar(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(yaml_scalar(item) for item in value) + "]"
    return json.dumps(value)


class Album:
    """A manifest in its own directory, pointed at a simulator, with the key in the environment."""

    def __init__(self, ctx, directory, base_url, shape="album", name="album", ledger=None, rpm=600, spm=300,
                 concurrency=4, attempts=3, backoff=("1s", "4s"), album_title="Coastline Stories"):
        self.ctx = ctx
        self.dir = directory
        os.makedirs(os.path.join(directory, "lyrics"), exist_ok=True)
        source = os.path.join(REPO, "manifests", "lyrics", "harbor-lights.txt")
        target = os.path.join(directory, "lyrics", "harbor-lights.txt")
        if os.path.exists(source):
            shutil.copyfile(source, target)
        else:
            with open(target, "w") as handle:
                handle.write(HARBOR_LYRICS)
        self.songs = list(ALBUM_SONGS) + (EXTRA_SONGS if shape == "large" else [])
        self.personas = list(ALBUM_PERSONAS) + (EXTRA_PERSONAS if shape == "large" else [])
        self.attempts = attempts
        self.manifest = os.path.join(directory, f"{name}.yaml")
        self.ledger = ledger or os.path.join(directory, f"{name}.ledger.json")
        lines = [
            "setlist: 1",
            f"album: {album_title}",
            "provider:",
            "  api: evolink",
            f"  base_url: {base_url}",
            f"  api_key_env: {KEY_ENV}",
            "limits:",
            f"  concurrency: {concurrency}",
            f"  requests_per_minute: {rpm}",
            f"  submits_per_minute: {spm}",
            "  task_timeout: 15m",
            "retry:",
            f"  attempts: {attempts}",
            f"  backoff: {{initial: {backoff[0]}, max: {backoff[1]}}}",
            "defaults:",
            "  model: suno-v5-beta",
            "  vocal_gender: f",
            "output:",
            "  download: [audio, cover]",
        ]
        if ledger:
            lines.append(f"  ledger: {ledger}")
        for section, entries in (("songs", self.songs), ("personas", self.personas)):
            lines.append(f"{section}:")
            for entry in entries:
                lines.append(f"  - id: {entry['id']}")
                for field, value in entry.items():
                    if field != "id":
                        lines.append(f"    {field}: {yaml_scalar(value)}")
        self.text = "\n".join(lines) + "\n"
        with open(self.manifest, "w") as handle:
            handle.write(self.text)

    @property
    def journal(self):
        return self.ledger + ".journal"

    @property
    def lock(self):
        return self.ledger + ".lock"

    @property
    def job_ids(self):
        return [song["id"] for song in self.songs] + [persona["id"] for persona in self.personas]

    @property
    def persona_ids(self):
        return {persona["id"] for persona in self.personas}

    @property
    def expected_files(self):
        return len(self.songs) * 2 * 2  # two results per song, audio and cover each

    def status(self, name="status"):
        """`setlist status --json`: (result, parsed object or None)."""
        result = self.ctx.run(["status", self.manifest, "--json"], self.dir, name, timeout=60)
        try:
            return result, json.loads(result.out)
        except ValueError:
            return result, None


# ----------------------------------------------------------------------------------------------------------------
# Ledger checks


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


# ----------------------------------------------------------------------------------------------------------------
# kill-resume

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


# ----------------------------------------------------------------------------------------------------------------
# faults

FAULT_RUNS = [
    ("5xx", "5xx=0.3"),
    ("drop", "drop=0.3"),
    ("lost", "lost=0.3"),
    ("slow", "slow=0.3:2s"),
    ("fail", "fail=0.3"),
    ("malformed", "malformed=0.3"),
    ("mixed", "5xx=0.1,drop=0.05,lost=0.1,slow=0.1:1s,fail=0.15,malformed=0.05"),
]


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


# ----------------------------------------------------------------------------------------------------------------
# 429 storm


def drill_storm(ctx, figures):
    base = ctx.directory("storm")
    limit, configured = 15, 240
    simulator = Simulator(ctx, base, "storm", seed=ctx.seed + 429, speed=200, rate_limit=limit)
    try:
        album = Album(ctx, os.path.join(base, "album"), simulator.url, shape="large", rpm=configured,
                      spm=configured)
        run = ctx.run(["run", album.manifest], album.dir, "storm-run", timeout=240)
        report = audit(album, simulator)
        stats = report["stats"]
        requests = simulator.api_requests(stats)
        peak = max(stats.get("max_requests_per_60s", {}).values() or [0])
        rejected = requests.get("429", 0)
        accepted = sum(count for status, count in requests.items() if status != "429")
    finally:
        simulator.stop()
    passed = run.rc == 0 and clean(report)
    details = [
        f"simulator --rate-limit {limit}/60s, manifest requests_per_minute {configured}; "
        f"{len(album.job_ids)} jobs; exit {run.rc} in {run.seconds:.0f}s",
        f"provider requests: {accepted} answered, {rejected} answered 429; the busiest 60 s window held "
        f"{peak} requests (the simulator counts rejected ones too) against its limit of {limit}",
    ] + issues(report)
    figures.add(f"storm: exit {run.rc}, {rejected} 429 answers, busiest 60 s window {peak} requests vs limit "
                f"{limit}, {report['duplicates']} duplicate paid submissions", passed, details)
    ctx.summary["storm"] = {"exit": run.rc, "rejected": rejected, "accepted": accepted, "peak": peak,
                            "limit": limit, "configured": configured, "seconds": run.seconds,
                            "duplicates": report["duplicates"]}


# ----------------------------------------------------------------------------------------------------------------
# lock


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


# ----------------------------------------------------------------------------------------------------------------
# full disk


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


def disk_trial(ctx, base, name, mechanism, amount, seed):
    """One album whose ledger runs out of space; returns (passed, lines, figures dict)."""
    simulator = Simulator(ctx, base, name, seed=seed, speed=150)
    lines = []
    try:
        directory = os.path.join(base, name)
        os.makedirs(directory, exist_ok=True)
        preexec = None
        mount = None
        if mechanism == "tmpfs":
            mount = os.path.join(directory, "ledger-fs")
            if not try_mount_tmpfs(ctx, mount, "256k"):
                return None
            # Fill the file system so that `amount` bytes stay free: the journal (and the lock) get that much.
            free = os.statvfs(mount)
            filler = free.f_bavail * free.f_frsize - amount
            with open(os.path.join(mount, "filler"), "wb") as handle:
                handle.write(b"\0" * filler)
            album = Album(ctx, directory, simulator.url, ledger=os.path.join(mount, "album.ledger.json"))
            setup = f"ledger on a 256 KiB tmpfs with {amount // 1024} KiB left free"
        else:
            album = Album(ctx, directory, simulator.url)

            def preexec():
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (amount, amount))
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
        preexec = None
        if mechanism == "tmpfs":
            mount = os.path.join(directory, "ledger-fs")
            if not try_mount_tmpfs(ctx, mount, "64k"):
                return None
            free = os.statvfs(mount)
            with open(os.path.join(mount, "filler"), "wb") as handle:
                handle.write(b"\0" * (free.f_bavail * free.f_frsize))
            album = Album(ctx, directory, simulator.url, ledger=os.path.join(mount, "album.ledger.json"))
        else:
            album = Album(ctx, directory, simulator.url)

            def preexec():
                signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
                resource.setrlimit(resource.RLIMIT_FSIZE, (16, 16))
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


# ----------------------------------------------------------------------------------------------------------------
# invalid manifests

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


# ----------------------------------------------------------------------------------------------------------------
# key scan


def key_patterns(key):
    raw = key.encode()
    patterns = {"raw": raw, "hex": raw.hex().encode()}
    for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
        patterns[name] = encode(raw).rstrip(b"=")
        patterns[f"{name} Bearer"] = encode(b"Bearer " + raw).rstrip(b"=")
        for shift in (1, 2):
            # The key inside a longer base64 text: the characters that depend on the key alone.
            encoded = encode(b"\0" * shift + raw)
            patterns[f"{name}+{shift}"] = encoded[4:-4]
    return patterns


def scan(ctx, directories):
    patterns = {}
    for label, key in (("key", ctx.key), ("rejected key", ctx.wrong_key)):
        for name, pattern in key_patterns(key).items():
            patterns[f"{label} ({name})"] = pattern
    files = 0
    hits = []
    for directory in directories:
        for parent, _, names in os.walk(directory):
            for name in names:
                path = os.path.join(parent, name)
                if os.path.islink(path) or not os.path.isfile(path):
                    continue
                try:
                    with open(path, "rb") as handle:
                        data = handle.read()
                except OSError:
                    continue
                files += 1
                for label, pattern in patterns.items():
                    if pattern in data:
                        hits.append(f"{os.path.relpath(path, directory)}: {label}")
    return files, hits


def drill_keyscan(ctx, figures):
    base = ctx.directory("keyscan")
    simulator = Simulator(ctx, base, "keyscan", seed=ctx.seed + 3, speed=200,
                          faults="5xx=0.1,drop=0.05,lost=0.05,fail=0.1,malformed=0.05")
    lines = []
    ok = True
    try:
        album = Album(ctx, os.path.join(base, "album"), simulator.url)
        metrics = os.path.join(album.dir, "setlist.prom")
        first = ctx.run(["run", album.manifest, "--log-format", "json", "--metrics-file", metrics], album.dir,
                        "json-run", timeout=300)
        simulator.set_faults("")
        key_file = os.path.join(ctx.secrets, "key")
        with open(key_file, "w") as handle:
            handle.write(ctx.key + "\n")
        env = dict(ctx.env)
        del env[KEY_ENV]
        second = ctx.run(["run", album.manifest, "--api-key-file", key_file, "--force", "driftwood",
                          "--metrics-file", metrics], album.dir, "key-file-run", timeout=300, env=env)
        wrong_env = dict(ctx.env)
        wrong_env[KEY_ENV] = ctx.wrong_key
        rejected = ctx.run(["run", album.manifest, "--force", "tidewater", "--log-format", "json"], album.dir,
                           "rejected-key-run", timeout=120, env=wrong_env)
        status = ctx.run(["status", album.manifest], album.dir, "status", timeout=60)
        status_json = ctx.run(["status", album.manifest, "--json"], album.dir, "status-json", timeout=60)
        report = ctx.run(["report", album.manifest], album.dir, "report", timeout=60)
        plan = ctx.run(["plan", album.manifest, "--format", "json"], album.dir, "plan", timeout=60)
        lines.append(f"runs: --log-format json --metrics-file under faults exit {first.rc}; --api-key-file exit "
                     f"{second.rc}; rejected key exit {rejected.rc} (3 expected); status {status.rc}, status --json "
                     f"{status_json.rc}, report {report.rc}, plan {plan.rc}")
        ok = rejected.rc == 3 and second.rc == 0 and first.rc in (0, 1) and report.rc == 0 and status.rc == 0
    finally:
        simulator.stop()
    # Control: the scanner must find the key where it is known to be: the --api-key-file, and a canary holding it
    # inside a longer base64 text (as an HTTP Basic header would).
    with open(os.path.join(ctx.secrets, "canary"), "wb") as handle:
        handle.write(b"Authorization: Basic " + base64.b64encode(b"x:" + ctx.key.encode()) + b"\n")
    _, control_hits = scan(ctx, [ctx.secrets])
    control_ok = any(hit.endswith("key (raw)") for hit in control_hits) and \
        any("canary: key (base64+2)" in hit for hit in control_hits)
    files, hits = scan(ctx, [ctx.root])
    lines.append(f"scanned every file under the drill root {ctx.root} (ledgers, journals, locks, media, album "
                 "pages, metrics, HOME and TMPDIR of every run, every captured stdout/stderr and simulator log) "
                 f"for both keys as raw text, hex, base64 and base64url at three alignments")
    lines.append("control: the scanner finds the key in the --api-key-file and inside a base64 canary (kept outside "
                 f"the drill root): {'yes' if control_ok else 'NO'}")
    lines += [f"hit: {hit}" for hit in hits[:10]]
    figures.add(f"keyscan: {files} files scanned, {len(hits)} hits", ok and control_ok and not hits, lines)
    ctx.summary["keyscan"] = {"files": files, "hits": hits}


# ----------------------------------------------------------------------------------------------------------------
# hostile input (issue 13, findings 1-9)


def hostile_paid(simulator):
    """Paid submissions the simulator created so far (replays under an idempotency key charge nothing)."""
    return simulator.stats().get("paid_submissions", {}).get("created", 0)


def hostile_fingerprint(path):
    """What is at `path` without following a symlink or opening a pipe: None, a link target, a FIFO, or the
    sha256 of a regular file."""
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(mode):
        return "link -> " + os.readlink(path)
    if stat.S_ISFIFO(mode):
        return "fifo"
    with open(path, "rb") as handle:
        return "sha256 " + hashlib.sha256(handle.read()).hexdigest()


def hostile_fingerprints(paths):
    return {path: hostile_fingerprint(path) for path in paths}


def hostile_leaks(results, *values):
    """How many of the captured outputs contain any of `values`."""
    return sum(1 for result in results if any(value in result.text for value in values))


def hostile_errors_on(result, line):
    """Whether `result` printed a located error on manifest line `line`."""
    return any(d["sev"] == "error" and int(d["line"]) == line for d in diagnostics(result.text))


def hostile_sentence(result):
    """The first error a command printed: a located diagnostic, or an `error:`/`Error:` line (a usage error)."""
    lines = result.text.splitlines()
    located = [line for line in lines if LOCATED.match(line) and LOCATED.match(line).group("sev") == "error"]
    plain = [line for line in lines if line.lower().startswith("error:")]
    return (located + plain + [first_error(result)])[0][:300]


def hostile_variant(album, name, old, new):
    """A copy of `album`'s manifest beside it with `old` replaced by `new`; returns its path."""
    assert old in album.text, old
    path = os.path.join(album.dir, f"{name}.yaml")
    with open(path, "w") as handle:
        handle.write(album.text.replace(old, new, 1))
    return path


def hostile_leftovers(directory):
    """Lock files and ledgers in `directory` (not below it)."""
    return sorted(name for name in os.listdir(directory) if name.endswith(".lock") or ".ledger.json" in name)


def hostile_shared_ledger(ctx, figures, base):
    """Finding 1: two manifests naming one ledger, given together and one after the other."""
    simulator = Simulator(ctx, base, "shared-ledger", seed=ctx.seed + 1301, speed=200)
    try:
        directory = os.path.join(base, "shared-ledger")
        ledger = os.path.join(directory, "shared.ledger.json")
        a = Album(ctx, directory, simulator.url, name="a", ledger="shared.ledger.json", album_title="Side A")
        b = Album(ctx, directory, simulator.url, name="b", ledger="shared.ledger.json", album_title="Side B")
        together = ctx.run(["run", a.manifest, b.manifest], directory, "run-a-and-b", timeout=120)
        paid_together = hostile_paid(simulator)
        first = ctx.run(["run", a.manifest], directory, "run-a", timeout=240)
        paid_a = hostile_paid(simulator)
        before = hostile_fingerprints([ledger, ledger + ".journal"])
        second = ctx.run(["run", b.manifest], directory, "run-b-after-a", timeout=120)
        paid_b = hostile_paid(simulator) - paid_a
        unchanged = hostile_fingerprints(before) == before
    finally:
        simulator.stop()
    names_both = "a.yaml" in together.text and "b.yaml" in together.text
    owner = "belongs to the manifest a.yaml" in second.text
    passed = (together.rc == 2 and names_both and paid_together == 0 and first.rc == 0 and paid_a > 0
              and second.rc == 2 and owner and paid_b == 0 and unchanged and before[ledger] is not None)
    figures.add(f"hostile 1 shared ledger: `run a.yaml b.yaml` exit {together.rc} naming both "
                f"{'yes' if names_both else 'no'}, {paid_together} paid; b.yaml after a.yaml exit {second.rc} "
                f"naming the owner {'yes' if owner else 'no'}, {paid_b} paid, ledger "
                f"{'unchanged' if unchanged else 'CHANGED'}", passed,
                [f"run a.yaml b.yaml: {hostile_sentence(together)}",
                 f"control: run a.yaml alone exit {first.rc}, {paid_a} paid",
                 f"run b.yaml: {hostile_sentence(second)}"])


def hostile_lyrics_files(ctx, figures, base):
    """Finding 2: lyrics_file aimed at secrets, outside the folder, a FIFO and binary data."""
    simulator = Simulator(ctx, base, "lyrics-file", seed=ctx.seed + 1302, speed=200)
    try:
        album = Album(ctx, os.path.join(base, "lyrics-file"), simulator.url)
        line = album.text.split("\n").index('    lyrics_file: "lyrics/harbor-lights.txt"') + 1
        os.symlink("/proc/self/environ", os.path.join(album.dir, "lyrics", "link-out.txt"))
        os.mkfifo(os.path.join(album.dir, "lyrics", "fifo.txt"))
        with open(os.path.join(album.dir, "lyrics", "nul.txt"), "wb") as handle:
            handle.write(b"[Verse]\nla la\0la\n")
        targets = ["/proc/self/environ", "/etc/passwd", "../../../etc/passwd", "lyrics/link-out.txt",
                   "lyrics/fifo.txt", "lyrics/nul.txt"]
        results = []
        refused = []
        for index, target in enumerate(targets):
            path = hostile_variant(album, f"lyrics-{index}", '"lyrics/harbor-lights.txt"', json.dumps(target))
            validate = ctx.run(["validate", path], album.dir, f"validate-lyrics-{index}", timeout=30)
            run = ctx.run(["run", path], album.dir, f"run-lyrics-{index}", timeout=30)
            results += [validate, run]
            ok = (validate.rc == 2 and hostile_errors_on(validate, line) and run.rc == 2
                  and hostile_errors_on(run, line))
            refused.append((ok, f"{target}: validate exit {validate.rc}, run exit {run.rc}: "
                                f"{hostile_sentence(validate)}"))
        paid = hostile_paid(simulator)
        bodies = sum(1 for task in simulator.tasks() if ctx.key in json.dumps(task["request"]))
    finally:
        simulator.stop()
    good = sum(1 for ok, _ in refused if ok)
    leaks = hostile_leaks(results, ctx.key)
    figures.add(f"hostile 2 lyrics_file: {good} of {len(targets)} refused with a located sentence, {paid} paid, "
                f"key in {leaks} outputs and {bodies} request bodies",
                good == len(targets) and paid == 0 and leaks == 0 and bodies == 0,
                [detail for _, detail in refused])


def hostile_requested_files(ctx, figures, base):
    """Finding 3: --metrics-file and report -o aimed at the ledger, the manifest, a link and a FIFO."""
    simulator = Simulator(ctx, base, "requested-files", seed=ctx.seed + 1303, speed=200)
    try:
        album = Album(ctx, os.path.join(base, "requested-files"), simulator.url)
        # One job done, so the ledger exists and the attacks below would have paid work to do were they let run.
        partial = ctx.run(["run", album.manifest, "--only", "salt-and-sun"], album.dir, "partial", timeout=120)
        paid_before = hostile_paid(simulator)
        link = os.path.join(album.dir, "metrics-link.prom")
        os.symlink(os.path.basename(album.ledger), link)
        fifo = os.path.join(album.dir, "metrics.fifo")
        os.mkfifo(fifo)
        before = hostile_fingerprints([album.ledger, album.journal, album.manifest, link, fifo])
        # (what, command, what the refusal must say)
        attacks = [("--metrics-file the ledger", ["run", album.manifest, "--metrics-file", album.ledger],
                    "names a ledger"),
                   ("--metrics-file the manifest", ["run", album.manifest, "--metrics-file", album.manifest],
                    "names the manifest"),
                   ("--metrics-file a link to the ledger", ["run", album.manifest, "--metrics-file", link],
                    "is a symbolic link"),
                   ("--metrics-file a FIFO", ["run", album.manifest, "--metrics-file", fifo], "(FIFO)"),
                   ("report -o the manifest", ["report", album.manifest, "-o", album.manifest],
                    "names the manifest")]
        results = [(label, ctx.run(args, album.dir, f"attack-{index}", timeout=30), says)
                   for index, (label, args, says) in enumerate(attacks)]
        paid = hostile_paid(simulator) - paid_before
        after = hostile_fingerprints(before)
    finally:
        simulator.stop()
    refused = sum(1 for _, result, says in results if result.rc == 2 and says in hostile_sentence(result))
    changed = [path for path in before if after[path] != before[path]]
    figures.add(f"hostile 3 requested files: {refused} of {len(attacks)} refused with exit 2 and a sentence "
                f"naming what the target is, {len(changed)} of "
                f"{len(before)} targets changed, {paid} paid",
                partial.rc == 0 and before[album.ledger] is not None and refused == len(attacks) and not changed
                and paid == 0,
                [f"{label}: exit {result.rc}{' (hung)' if result.hung else ''}: {hostile_sentence(result)}"
                 for label, result, _ in results] + [f"changed: {path}" for path in changed])


def hostile_out_folder(ctx, album):
    """The folder under out-sim/ a simulated run of one song of `album` writes into (None unless exactly one)."""
    ctx.run(["run", "--simulate", "--speed", "10000", "--only", "driftwood", album.manifest], album.dir,
            "simulate-one-song", timeout=120)
    out = os.path.join(album.dir, "out-sim")
    folders = os.listdir(out) if os.path.isdir(out) else []
    return folders[0] if len(folders) == 1 else None


def hostile_slugs(ctx, figures, base):
    """Finding 4: album names that slug alike, and names with no ASCII letter."""
    simulator = Simulator(ctx, base, "slugs", seed=ctx.seed + 1304, speed=200)
    try:
        directory = os.path.join(base, "slugs")
        night = Album(ctx, directory, simulator.url, name="night", album_title="Night Drive")
        shout = Album(ctx, directory, simulator.url, name="shout", album_title="NIGHT-DRIVE!")
        validate = ctx.run(["validate", night.manifest, shout.manifest], directory, "validate-alike", timeout=30)
        run = ctx.run(["run", night.manifest, shout.manifest], directory, "run-alike", timeout=60)
        paid = hostile_paid(simulator)
        slugs = {}
        for name, title in (("tokyo", "東京の夜"), ("moon", "🌙🚗"), ("stars", "✨🌌")):
            album = Album(ctx, os.path.join(base, "slugs", name), simulator.url, name=name, album_title=title)
            slugs[title] = hostile_out_folder(ctx, album)
    finally:
        simulator.stop()
    folder_error = "is also the output folder of" in validate.text
    distinct = len(set(slugs.values())) == len(slugs) and "album" not in slugs.values() and None not in slugs.values()
    figures.add(f"hostile 4 slugs: \"Night Drive\" and \"NIGHT-DRIVE!\" validated together exit {validate.rc}, run "
                f"together exit {run.rc}, {paid} paid; {len(slugs)} non-ASCII names get "
                f"{len(set(slugs.values()))} distinct non-`album` folders",
                validate.rc == 2 and folder_error and run.rc == 2 and paid == 0 and distinct,
                [f"validate: {hostile_sentence(validate)}"]
                + [f"{title!r} -> out-sim/{slug}" for title, slug in slugs.items()])


def hostile_speeds(ctx, figures, base):
    """Finding 5: --speed values a simulated run cannot use."""
    album = Album(ctx, os.path.join(base, "speeds"), "http://127.0.0.1:9")
    lines = []
    refused = 0
    for index, speed in enumerate(["0", "nan", "1e-300", "-1"]):
        result = ctx.run(["run", "--simulate", f"--speed={speed}", album.manifest], album.dir, f"speed-{index}",
                         timeout=60)
        left = hostile_leftovers(album.dir)
        ok = result.rc == 2 and "--speed must be a number" in hostile_sentence(result) and not left
        refused += ok
        lines.append(f"--speed={speed}: exit {result.rc}, left {left or 'nothing'}: {hostile_sentence(result)}")
    figures.add(f"hostile 5 --speed: {refused} of 4 refused with exit 2 and '--speed must be a number from 0.001 "
                "to 10000', no lock or ledger left",
                refused == 4, lines)


def hostile_key_whitespace(ctx, figures, base):
    """Finding 6: a key with a control character inside, then the same key with a trailing newline."""
    simulator = Simulator(ctx, base, "key-whitespace", seed=ctx.seed + 1306, speed=200)
    try:
        album = Album(ctx, os.path.join(base, "key-whitespace"), simulator.url)
        half = len(ctx.key) // 2
        inner = ctx.run(["run", album.manifest], album.dir, "key-control-character", timeout=60,
                        env={**ctx.env, KEY_ENV: ctx.key[:half] + "\x01" + ctx.key[half:]})
        paid_inner = hostile_paid(simulator)
        trailing = ctx.run(["run", album.manifest], album.dir, "key-trailing-newline", timeout=240,
                           env={**ctx.env, KEY_ENV: ctx.key + "\n"})
        report = audit(album, simulator)
    finally:
        simulator.stop()
    leaks = hostile_leaks([inner, trailing], ctx.key[:half], ctx.key[half:])
    names = KEY_ENV in hostile_sentence(inner) and "control character" in hostile_sentence(inner)
    figures.add(f"hostile 6 key: trailing newline exit {trailing.rc} with {report['created']} paid for "
                f"{len(album.job_ids)} jobs; inner control character exit {inner.rc} naming the variable "
                f"{'yes' if names else 'no'}, {paid_inner} paid; the value in {leaks} outputs",
                trailing.rc == 0 and clean(report) and inner.rc == 2 and names and paid_inner == 0 and leaks == 0,
                [f"control character: {hostile_sentence(inner)}"] + issues(report))


def hostile_head_one(ctx, album):
    """`setlist run MANIFEST | head -1`: reads one line, closes the pipe, waits for the run; returns its exit."""
    _, err_path = ctx.log_paths(album.dir, "run-head-1")
    with open(err_path, "wb") as err:
        process = subprocess.Popen([ctx.binary, "run", album.manifest], cwd=album.dir, env=ctx.env,
                                   stdout=subprocess.PIPE, stderr=err)
        process.stdout.readline()
        process.stdout.close()
        try:
            return process.wait(timeout=240)
        except subprocess.TimeoutExpired:
            process.kill()
            return f"hung ({process.wait()})"


def hostile_signals(ctx, figures, base):
    """Finding 7: SIGHUP in the middle of a run, and a reader that goes away after one line."""
    simulator = Simulator(ctx, base, "sighup", seed=ctx.seed + 1307, speed=40)
    try:
        album = Album(ctx, os.path.join(base, "sighup"), simulator.url)
        accepted = re.compile(r"Z [a-z0-9-]+: accepted as ")
        hup = ctx.spawn_run(album, "sighup", trigger=accepted.search, signum=signal.SIGHUP, timeout=240)
        hup_lock = os.path.exists(album.lock)
        resume = ctx.run(["run", album.manifest], album.dir, "resume-after-sighup", timeout=240)
        hup_report = audit(album, simulator)
    finally:
        simulator.stop()
    simulator = Simulator(ctx, base, "head-1", seed=ctx.seed + 1317, speed=40)
    try:
        piped = Album(ctx, os.path.join(base, "head-1"), simulator.url)
        pipe_rc = hostile_head_one(ctx, piped)
        pipe_lock = os.path.exists(piped.lock)
        pipe_report = audit(piped, simulator)
    finally:
        simulator.stop()
    hup_ok = hup.signalled and hup.rc == EXIT_TRY_LATER and not hup_lock and resume.rc == 0 and clean(hup_report)
    pipe_ok = pipe_rc == 0 and not pipe_lock and clean(pipe_report)
    figures.add(f"hostile 7 signals: SIGHUP exit {hup.rc}, lock left {'yes' if hup_lock else 'no'}, resume exit "
                f"{resume.rc}, {hup_report['duplicates']} duplicates; `| head -1` exit {pipe_rc}, "
                f"{len(piped.job_ids) - len(pipe_report['unfinished'])} of {len(piped.job_ids)} jobs completed, "
                f"lock left {'yes' if pipe_lock else 'no'}", hup_ok and pipe_ok,
                [f"SIGHUP after the first 'accepted as' line: {first_error(hup)}"]
                + issues(hup_report) + issues(pipe_report))


def hostile_simulated_persona(ctx, figures, base):
    """Finding 8: a simulated album with a persona, then a forced re-roll of a song sung with it."""
    album = Album(ctx, os.path.join(base, "simulated-persona"), "http://127.0.0.1:9")
    first = ctx.run(["run", "--simulate", "--speed", "1000", album.manifest], album.dir, "simulate", timeout=240)
    again = ctx.run(["run", "--simulate", "--speed", "1000", "--force", "undertow", album.manifest], album.dir,
                    "simulate-force-undertow", timeout=240)
    # The simulated provider's saved state (docs/SIMULATOR.md) lists every task it created, with its request.
    with open(os.path.join(album.dir, "album.sim.state.json")) as handle:
        tasks = json.load(handle)["tasks"]
    last = tasks[-1]
    rerolled = last["idempotencyKey"].startswith("sl-undertow-2-") and '"persona_id"' in last["request"]
    figures.add(f"hostile 8 simulated persona: first run exit {first.rc}, `--force undertow` (sung with the "
                f"persona) exit {again.rc}, {len(tasks)} simulated tasks for {len(album.job_ids)} jobs and one "
                f"re-roll, the re-roll sent with the persona's id: {'yes' if rerolled else 'no'}",
                first.rc == 0 and again.rc == 0 and len(tasks) == len(album.job_ids) + 1 and rerolled,
                [f"forced run: {hostile_sentence(again)}"])


def hostile_not_found(ctx, figures, base):
    """Finding 9: the provider answers 404 for tasks it did create."""
    simulator = Simulator(ctx, base, "not-found", seed=ctx.seed + 1309, speed=200, faults="notfound=0.5")
    try:
        album = Album(ctx, os.path.join(base, "not-found"), simulator.url)
        run = ctx.run(["run", album.manifest], album.dir, "run-notfound", timeout=300)
        report = audit(album, simulator)
    finally:
        simulator.stop()
    injected = report["stats"].get("faults_injected", {}).get("notfound", 0)
    jobs = len(album.job_ids)
    figures.add(f"hostile 9 404s: {injected} status answers 404, exit {run.rc}, "
                f"{jobs - len(report['unfinished'])} of {jobs} jobs completed, {report['created']} paid for "
                f"{jobs} jobs, {report['duplicates']} duplicates",
                run.rc == 0 and injected > 0 and clean(report) and report["created"] == jobs, issues(report))


def drill_hostile(ctx, figures):
    base = ctx.directory("hostile")
    for finding in (hostile_shared_ledger, hostile_lyrics_files, hostile_requested_files, hostile_slugs,
                    hostile_speeds, hostile_key_whitespace, hostile_signals, hostile_simulated_persona,
                    hostile_not_found):
        finding(ctx, figures, base)


# ----------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n", 1)[1])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build-release", "release", "setlist"),
                        help="the setlist binary (default: .build-release/release/setlist in the repository)")
    parser.add_argument("--kills", type=int, default=25, help="SIGKILLs in the kill-resume drill (default 25)")
    parser.add_argument("--seed", type=int, default=1, help="seed of every random choice (default 1)")
    parser.add_argument("--only", default=None, help="comma-separated drills: " + ",".join(DRILLS))
    parser.add_argument("--keep", action="store_true", help="keep the drill directory and print its path")
    parser.add_argument("--verbose", action="store_true", help="progress notes on stderr")
    args = parser.parse_args()

    selected = DRILLS if not args.only else [name.strip() for name in args.only.split(",") if name.strip()]
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
