"""The drills' shared machinery: printed figures, the setlist processes they run, and an external
`setlist simulate` with its admin routes."""
import collections
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request


REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

KEY_ENV = "SETLIST_DRILL_KEY"

EXIT_TRY_LATER = 75
EXIT_LEDGER_UNWRITABLE = 70



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
        self.quick = args.quick
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
                  signum=signal.SIGKILL, env=None):
        """Starts `setlist run` on `album`; sends it `signum` (SIGKILL unless told) `kill_after` seconds after the
        start, or when `trigger(line)` first returns true for a line of its output (after `extra_delay` seconds)."""
        out_path, err_path = self.log_paths(album.dir, name)
        started = time.monotonic()
        process = subprocess.Popen([self.binary, "run", album.manifest, *extra_args], cwd=album.dir,
                                   env=env or self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
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
