#!/usr/bin/env python3
"""Tables of bench/time_series.sh's compare reports: per seed, CRPS and MAE (standardized) of the full
chain, the learned K steps and every family at K and at the smaller K, and the paper's two questions:
is the learned schedule within 5% of the full chain's CRPS, and ahead of every other K-step schedule?
Usage: bench/summarize_time_series.py RUN-k10-s0-compare-k10.json RUN-k10-s0-compare-k5.json ..."""
import json
import re
import sys
from collections import defaultdict


def main(paths):
    by_seed = defaultdict(dict)  # seed -> K -> rows
    for path in paths:
        match = re.search(r"-s(\d+)-compare-k(\d+)\.json$", path)
        if not match:
            sys.exit(f"{path}: not a compare report of bench/time_series.sh")
        with open(path) as f:
            by_seed[int(match.group(1))][int(match.group(2))] = json.load(f)
    print("| seed | K | full CRPS | learned CRPS | vs full | best other at K | learned ahead | "
          "learned MAE | full MAE | best at smaller K |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for seed in sorted(by_seed):
        reports = by_seed[seed]
        K = max(reports)
        rows = {r["schedule"]: r for r in reports[K]}
        full, learned = rows["full"]["quality"], rows.get("learned", {}).get("quality")
        if learned is None:
            continue
        others = [(r["quality"]["crps"], name) for name, r in rows.items() if name not in ("full", "learned")]
        best_crps, best_name = min(others)
        small = min(reports)
        small_rows = [(r["quality"]["crps"], r["schedule"]) for r in reports[small] if r["schedule"] != "full"]
        small_best = f"{min(small_rows)[1]} {min(small_rows)[0]:.4f} (K={small})" if small != K else "-"
        ratio = learned["crps"] / full["crps"]
        print(f"| {seed} | {K} | {full['crps']:.4f} | {learned['crps']:.4f} | {ratio:.3f}x | "
              f"{best_name} {best_crps:.4f} | {'yes' if learned['crps'] < best_crps else 'no'} | "
              f"{learned['mae']:.4f} | {full['mae']:.4f} | {small_best} |")


if __name__ == "__main__":
    main(sys.argv[1:])
