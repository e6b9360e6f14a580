#!/usr/bin/env python3
"""The solver-aware table of docs/FINDINGS.md from bench/solver_aware.sh's compare reports.

Each report holds two models (the mask learned with --solver ddim, then with --solver dpmpp-2m), every
row sampled with DPM-Solver++(2M). Prints one row per seed: SWD to data and fidelity to the full chain
of each learned schedule (FD-LeNet and its fidelity for MNIST), and of the best family (the same for both models: one frozen network).
"""
import json
import sys


def main(paths):
    print("| seed | measure | learned for ddim | learned for dpmpp-2m | best family | solver-aware wins |")
    print("|---|---|---|---|---|---|")
    for path in paths:
        seed = path.rsplit("-s", 1)[1].split("-")[0]
        rows = json.load(open(path))
        models = []
        for r in rows:
            if r["model"] not in models:
                models.append(r["model"])
        # Images: FD-LeNet to held-out digits and between the set and the full chain's set.
        keys = ("fd_lenet", "fidelity_fd") if "fd_lenet" in rows[0]["quality"] else ("swd", "fidelity")
        for key in keys:
            learned = [next(r for r in rows if r["model"] == m and r["schedule"] == "learned")["quality"][key]
                       for m in models]
            families = [(r["quality"][key], r["schedule"]) for r in rows
                        if r["model"] == models[0] and r["schedule"] not in ("real", "full", "learned")]
            best = min(families)
            wins = "yes" if learned[1] < learned[0] else "no"
            print(f"| {seed} | {key} | {learned[0]:.4f} | {learned[1]:.4f} | {best[1]} {best[0]:.4f} | {wins} |")


if __name__ == "__main__":
    main(sys.argv[1:])
