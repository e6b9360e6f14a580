#!/usr/bin/env python3
"""Turns bench/run's JSON lines into the markdown tables of docs/BENCHMARKS.md.
usage: report.py bench.jsonl"""
import json
import os
import platform
import subprocess
import sys
from datetime import date


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
    mem = next((int(l.split()[1]) // 2**20 for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    gpu = ""
    try:
        gpu = subprocess.run(["nvidia-smi", "--query-gpu=name", "--format=csv,noheader"], capture_output=True,
                             text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return f"{cpu}, {os.cpu_count()} cores, {mem} GiB" + (f", {gpu}" if gpu else "")


def rate(value):
    return f"{value:,.1f}" if value >= 10 else f"{value:.2f}"


def main():
    runs = {}
    for r in map(json.loads, open(sys.argv[1])):
        runs.setdefault(r["label"], []).append(r)
    rows = {label: rs[-1] for label, rs in runs.items()}

    def get(label, key):  # the median over an item's repeated runs
        values = sorted(r[key] for r in runs.get(label, []) if key in r)
        if not values:
            return None
        middle = len(values) // 2
        return values[middle] if len(values) % 2 else (values[middle - 1] + values[middle]) / 2
    print(f"date {date.today()}, {machine()}, torch {next(iter(rows.values())).get('torch', '?')}; "
          f"medians of {max(len(rs) for rs in runs.values())} runs where repeated\n")
    devices = [d for d in ("cpu", "cuda") if f"1 train {d} C++" in rows]

    print("| item | device | C++ | PyTorch eager | ratio | peak memory C++ / Python (MiB) |")
    print("|---|---|---|---|---|---|")
    for dev in devices:
        for label, key, what in [("1 train", "its_per_s", "it/s"), ("2 sample K=10", "samples_per_s", "samples/s"),
                                 ("2 sample K=1000", "samples_per_s", "samples/s"),
                                 ("3 unet train", "its_per_s", "it/s"), ("3 unet sample K=10", "samples_per_s", "images/s")]:
            cpp, py = get(f"{label} {dev} C++", key), get(f"{label} {dev} python", key)
            if cpp is None or py is None:
                continue
            memory = []
            for field in ("peak_rss_mib", "peak_gpu_mib"):
                c, p = get(f"{label} {dev} C++", field), get(f"{label} {dev} python", field)
                if c is not None and p is not None:
                    memory.append(f"{c:.0f} / {p:.0f}" + (" GPU" if field == "peak_gpu_mib" else ""))
            print(f"| {label} | {dev} | {rate(cpp)} {what} | {rate(py)} {what} | {cpp / py:.2f} | {', '.join(memory)} |")
        tuned = get(f"1 train {dev} python, same heap settings", "its_per_s")
        if tuned:
            cpp = get(f"1 train {dev} C++", "its_per_s")
            print(f"| 1 train, Python with the CLI's heap settings | {dev} | | {tuned:,.1f} it/s | {cpp / tuned:.2f} | |")
        for label, what in [("plain draw", "reference mask draw"), ("eager", "C++ step without the CUDA graph")]:
            plain = get(f"1 train {dev} C++ {label}", "its_per_s")
            if plain:
                print(f"| 1 train, {what} | {dev} | {plain:,.1f} it/s | | {plain / get(f'1 train {dev} python', 'its_per_s'):.2f} | |")
        failed = [r["graph_error"] for r in runs.get(f"1 train {dev} C++", []) if r.get("graph_error")]
        if failed:
            print(f"| 1 train: the CUDA graph capture failed ({failed[0]}); the C++ row ran eagerly | {dev} | | | | |")

    print("\n| item 4 | device | T | EDDPM it/s | plain DDPM it/s | EDDPM extra time | mask step alone |")
    print("|---|---|---|---|---|---|---|")
    for dev in devices:
        for T in (1000, 4000):
            label = f"4 overhead T={T} {dev}"
            e, d, x = get(label, "eddpm_its_per_s"), get(label, "ddpm_its_per_s"), get(label, "extra")
            m = get(f"4 mask-step T={T} {dev}", "ms")
            if e and d:
                print(f"| 4 | {dev} | {T} | {e:,.1f} | {d:,.1f} | {100 * x:+.1f}% | {m:.2f} ms |")

    labels = [label for label in rows if label.startswith("5 explorer vs CLI cpu")]
    if labels:
        print("\n| item 5 | explorer it/s | CLI it/s | explorer / CLI | event loop p50 | p99 | max (worst run) | explorer peak RSS |")
        print("|---|---|---|---|---|---|---|---|")
    for label in labels:
        worst = max(r["latency_max_ms"] for r in runs[label])
        data = label[label.find("(") + 1:-1] if "(" in label else "moons"
        print(f"| 5 {data} | {get(label, 'gui_its_per_s'):,.1f} | {get(label, 'cli_its_per_s'):,.1f} | {get(label, 'ratio'):.3f} ({min(r['ratio'] for r in runs[label]):.3f}-{max(r['ratio'] for r in runs[label]):.3f}) | "
              f"{get(label, 'latency_p50_ms'):.2f} ms | {get(label, 'latency_p99_ms'):.2f} ms | {worst:.1f} ms | "
              f"{get(label, 'peak_rss_mib'):.0f} MiB |")

if __name__ == "__main__":
    main()
