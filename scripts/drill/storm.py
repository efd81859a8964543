"""The storm drill: a provider rate limit far below the manifest's."""
import os

from .albums import Album
from .audit import audit, clean, issues
from .harness import Simulator


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
