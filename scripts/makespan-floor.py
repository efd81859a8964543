#!/usr/bin/env python3
"""How close to the makespan bound can any scheduler get on the benchmark's wide album?

Models the wide album of `setlist-bench` (10 lead songs, a persona from each, 19 songs per persona; concurrency 10;
task times uniform in 0.8-1.1 x the estimate of 120 s or 15 s) as list scheduling with a fixed latency per
submission and per answer, and prints makespan / lower bound over many seeds for:

- `oracle`: every finish noticed at once (no polling): what the DAG's ramp and tail alone cost;
- `fixed`: setlist's initial poll schedule (first poll at 0.85 x estimate, four steps of 7%, then growing);
- `best-3`: the poll positions with the smallest mean delay among random candidates costing at most 3 status
  requests per task on average for this distribution.

    python3 scripts/makespan-floor.py [--seeds 30] [--candidates 200000]
"""
import argparse
import heapq
import random
import statistics

LOW, HIGH = 0.8, 1.1


def cost(positions):
    """Mean status requests per task and mean delay (share of the estimate) for uniform finish times."""
    requests = 1.0
    for position in positions[:-1]:
        requests += max(0.0, min(1.0, (HIGH - max(position, LOW)) / (HIGH - LOW)))
    delay, start = 0.0, LOW
    for position in positions:
        end = min(position, HIGH)
        if end > start:
            delay += ((position - start) + (position - end)) / 2 * (end - start) / (HIGH - LOW)
            start = end
    return requests, delay


def best_positions(candidates, seed):
    rng = random.Random(seed)
    best = None
    for _ in range(candidates):
        count = rng.randint(3, 7)
        positions = sorted(rng.uniform(LOW, HIGH) for _ in range(count - 1)) + [HIGH + rng.uniform(0, 0.02)]
        requests, delay = cost(positions)
        if requests <= 3.0 and (best is None or delay < best[1]):
            best = (positions, delay, requests)
    return best


def noticed(duration, estimate, positions):
    if positions is None:
        return duration
    for position in positions:
        if position * estimate >= duration:
            return position * estimate
    look, step = positions[-1] * estimate, (positions[-1] - positions[-2]) * estimate
    while look < duration:
        step = min(step * 1.6, 30)
        look += step
    return look


def wide_album(seed, positions, latency=0.5, concurrency=10):
    rng = random.Random(seed)
    duration, estimate, needs = {}, {}, {}
    for group in range(10):
        lead, voice = f"lead-{group}", f"voice-{group}"
        duration[lead], estimate[lead], needs[lead] = 120 * rng.uniform(LOW, HIGH), 120, []
        duration[voice], estimate[voice], needs[voice] = 15 * rng.uniform(LOW, HIGH), 15, [lead]
        for track in range(19):
            song = f"g{group}-t{track}"
            duration[song], estimate[song], needs[song] = 120 * rng.uniform(LOW, HIGH), 120, [voice]
    order = [j for j in duration if j.startswith("lead")] + [j for j in duration if j.startswith("voice")] + \
        [j for j in duration if j.startswith("g")]
    done, running, now, free, waiting = set(), [], 0.0, concurrency, list(order)
    while waiting or running:
        index = 0
        while free and index < len(waiting):
            job = waiting[index]
            if all(need in done for need in needs[job]):
                waiting.pop(index)
                free -= 1
                end = now + latency + noticed(duration[job], estimate[job], positions) + latency
                heapq.heappush(running, (end, job))
            else:
                index += 1
        now, job = heapq.heappop(running)
        done.add(job)
        free += 1
    return now / (sum(duration.values()) / concurrency)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--candidates", type=int, default=200000)
    args = parser.parse_args()
    fixed = [0.85, 0.92, 0.99, 1.06, 1.13]
    best, best_delay, best_requests = best_positions(args.candidates, seed=1)
    print(f"fixed schedule: {cost(fixed)[0]:.2f} requests per task, mean delay {cost(fixed)[1] * 100:.1f}% of the estimate")
    print(f"best-3 schedule: {best_requests:.2f} requests per task, mean delay {best_delay * 100:.1f}% "
          f"(positions {', '.join(f'{p:.3f}' for p in best)})")
    for name, positions in [("oracle", None), ("fixed", fixed), ("best-3", best)]:
        ratios = [wide_album(seed, positions) for seed in range(args.seeds)]
        print(f"{name}: makespan / bound mean {statistics.mean(ratios):.3f} "
              f"(min {min(ratios):.3f}, max {max(ratios):.3f}) over {args.seeds} seeds")


if __name__ == "__main__":
    main()
