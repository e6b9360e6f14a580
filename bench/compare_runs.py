#!/usr/bin/env python3
"""Is a training run on a fast path the same run as on the plain path, within the noise of the seed?
usage: compare_runs.py REFERENCE CANDIDATE OTHER_SEED...   (`eddpm train --out` folders: the plain
path, the fast path on the same seed, the plain path on one or more other seeds)

Compares the logged loss curves (mean absolute difference of log loss over the logged rows) and the
learned schedules (share of kept steps in common) of CANDIDATE and of each OTHER_SEED against
REFERENCE, prints them, and fails when the fast path strays clearly further from the reference than
the other seeds do: a curve distance over 1.5 times their largest, or a schedule overlap more than
10 points under their smallest (a fast path that draws other random numbers is one more seed, and
must not fail by chance). Standard library only (runs on the GPU machine's python3 as is)."""
import json
import math
import os
import sys


def run(folder):
    rows = [json.loads(line) for line in open(os.path.join(folder, "metrics.jsonl"))]
    schedule = json.load(open(os.path.join(folder, "schedule_learned.json")))
    return {r["iter"]: r["loss"] for r in rows}, set(schedule["timesteps"]), rows[-1]


def distance(a, b):
    (loss_a, kept_a, _), (loss_b, kept_b, _) = a, b
    shared = sorted(set(loss_a) & set(loss_b))
    if not shared:
        sys.exit("compare_runs.py: the runs logged no iteration in common")
    curve = sum(abs(math.log(loss_a[i]) - math.log(loss_b[i])) for i in shared) / len(shared)
    overlap = len(kept_a & kept_b) / max(len(kept_a), 1)
    return curve, overlap


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    reference, candidate = run(sys.argv[1]), run(sys.argv[2])
    others = [run(f) for f in sys.argv[3:]]
    same_curve, same_overlap = distance(reference, candidate)
    seeds = [distance(reference, other) for other in others]
    seed_curve, seed_overlap = max(c for c, _ in seeds), min(o for _, o in seeds)
    print(f"loss curve, mean |log difference|: fast path {same_curve:.4f}, other seeds up to {seed_curve:.4f}")
    print(f"learned schedule, steps in common: fast path {same_overlap:.0%}, other seeds from {seed_overlap:.0%}")
    other_sums = ", ".join(f"{o[2]['sum_s']:.2f}" for o in others)
    print(f"final sum_s: reference {reference[2]['sum_s']:.2f}, fast path {candidate[2]['sum_s']:.2f}, "
          f"other seeds {other_sums}")
    if same_curve > max(1.5 * seed_curve, 1e-6) or same_overlap < seed_overlap - 0.10:
        print("FAIL: the fast path strays further from the plain path than other seeds do")
        return 1
    print("ok: the fast path follows the plain path within the noise of the seed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
