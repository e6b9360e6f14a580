#!/usr/bin/env python3
"""What syncing a save costs (docs/RELIABILITY.md): a checkpoint's bytes written to a temporary
name and renamed, as core/io/files/atomic_file.cpp does, with and without the fsync of the file before the
rename and of the folder after it; the two ways in turns, REPS times each, medians.
Usage: bench/save_sync_cost.py CHECKPOINT.pt [CHECKPOINT.pt ...] [--reps N] [--dir DIR]"""
import argparse, os, statistics, tempfile, time

def save(data, folder, synced):
    temporary, target = os.path.join(folder, ".ck.tmp"), os.path.join(folder, "ck.pt")
    start = time.perf_counter()
    with open(temporary, "wb") as f:
        f.write(data)
        f.flush()
        if synced:
            os.fsync(f.fileno())
    os.rename(temporary, target)
    if synced:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        os.fsync(fd)
        os.close(fd)
    return time.perf_counter() - start

parser = argparse.ArgumentParser()
parser.add_argument("checkpoints", nargs="+")
parser.add_argument("--reps", type=int, default=15)
parser.add_argument("--dir", default=None, help="where to write (default: a temporary folder beside the first checkpoint)")
a = parser.parse_args()
folder = a.dir or tempfile.mkdtemp(dir=os.path.dirname(os.path.abspath(a.checkpoints[0])))
for path in a.checkpoints:
    data = open(path, "rb").read()
    plain, synced = [], []
    for _ in range(a.reps):
        plain.append(save(data, folder, False))
        synced.append(save(data, folder, True))
    p, s = statistics.median(plain) * 1e3, statistics.median(synced) * 1e3
    print(f"{os.path.basename(os.path.dirname(path)) or path}: {len(data) / 2**20:.1f} MiB, "
          f"rename only {p:.1f} ms, with both fsyncs {s:.1f} ms (+{s - p:.1f} ms; "
          f"synced range {min(synced) * 1e3:.1f}-{max(synced) * 1e3:.1f} ms)")
