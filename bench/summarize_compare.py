#!/usr/bin/env python3
"""Markdown tables from `eddpm compare` reports: SWD to the data per model x schedule, the
learned mask's state, and the fidelity to the full chain. Standard library only."""
import json
import os
import re
import sys

ORDER = ["real", "full", "learned", "uniform", "trailing", "linspace", "quadratic", "logsnr", "karras", "kl-optimal", "beta", "elbo-dp"]


def mask_state(label):
    match = re.search(r"\((.*)\)$", label)
    if not match:
        return ""
    path = os.path.join(os.path.dirname(match.group(1)), "schedule_learned.json")
    if not os.path.exists(path):
        return ""
    m = json.load(open(path))["metrics"]
    return "u={:.3f} c={:.2f} >0.5:{}".format(m["uncertainty"], m["concentration"], m["kept_over_half"])


def table(report_path, measure):
    rows = json.load(open(report_path))
    models = []
    cells = {}
    for row in rows:
        model = row["model"]
        if model not in models:
            models.append(model)
        if measure in row["quality"]:
            cells[(model, row["schedule"])] = row["quality"][measure]
    schedules = [s for s in ORDER if any((m, s) in cells for m in models)]
    lines = ["| model | mask | " + " | ".join(schedules) + " |", "|---|---|" + "---|" * len(schedules)]
    for model in models:
        values = [cells.get((model, s)) for s in schedules]
        best = min(v for s, v in zip(schedules, values) if v is not None and s not in ("full", "real"))
        shown = []
        for s, v in zip(schedules, values):
            if v is None:
                shown.append("")
            elif v == best and s not in ("full", "real"):
                shown.append("**{:.4f}**".format(v))
            else:
                shown.append("{:.4f}".format(v))
        name = re.sub(r" \(.*\)$", "", model)
        lines.append("| {} | {} | {} |".format(name, mask_state(model) if "eddpm" in name else "", " | ".join(shown)))
    return "\n".join(lines)


def main(paths):
    for path in paths:
        setting = os.path.basename(os.path.dirname(path)) or os.path.basename(path)
        rows = json.load(open(path))
        K = max(row["K"] for row in rows if row["schedule"] not in ("full", "real"))
        if any("fd_lenet" in row["quality"] for row in rows):
            print("### {}: FD-LeNet to held-out digits (K={}; best K-step value in bold)\n".format(setting, K))
            print(table(path, "fd_lenet"))
            print()
        print("### {}: SWD to fresh data (K={}; best K-step value in bold)\n".format(setting, K))
        print(table(path, "swd"))
        print("\n### {}: fidelity, mean squared distance to the full chain from the same noise\n".format(setting))
        print(table(path, "fidelity"))
        print()


if __name__ == "__main__":
    main(sys.argv[1:])
