#!/usr/bin/env python3
"""Times `setlist validate` and `setlist plan --format json` on a generated 10,000-song manifest.

Usage: scripts/bench-plan.py [--binary .build-release/release/setlist] [--songs 10000] [--runs 5]
Build first: swift build -c release --product setlist --scratch-path .build-release
Prints one line per figure: the best and median wall time of whole process runs (start-up included) and the
peak resident memory of the slowest run.
"""
import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
parser.add_argument("--binary", default=".build-release/release/setlist")
parser.add_argument("--songs", type=int, default=10000)
parser.add_argument("--runs", type=int, default=5)
args = parser.parse_args()

if not os.path.exists(args.binary):
    sys.exit(f"no binary at {args.binary}; build it with: swift build -c release --product setlist "
             "--scratch-path .build-release")

here = os.path.dirname(os.path.abspath(__file__))
with tempfile.TemporaryDirectory() as directory:
    manifest = os.path.join(directory, "big.yaml")
    with open(manifest, "w") as out:
        subprocess.run([sys.executable, os.path.join(here, "gen-manifest.py"), "--songs", str(args.songs)],
                       stdout=out, check=True)
    for name, command in [
        ("validate", [args.binary, "validate", manifest]),
        ("plan --format json", [args.binary, "plan", manifest, "--format", "json"]),
        ("plan --format text", [args.binary, "plan", manifest]),
    ]:
        times = []
        peak = 0
        for _ in range(args.runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            start = time.perf_counter()
            subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times.append(time.perf_counter() - start)
            peak = max(peak, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, before)
        print(f"{name}: {args.songs} songs + {args.songs // 10} personas: best {min(times):.3f} s, "
              f"median {statistics.median(times):.3f} s, peak RSS {peak / 1024:.0f} MB ({args.runs} runs)")
