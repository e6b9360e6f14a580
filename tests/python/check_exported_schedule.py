#!/usr/bin/env python3
"""The exported files mean what they say (docs/EXPORT.md).

With Debian's python3 and python3-torch and no other package: train a small 2-D model with eddpm,
export its network as TorchScript (eddpm export) and a schedule as JSON (eddpm schedule), then run
a minimal DDIM and DPM-Solver++(2M) loop here, written from the papers, with the file's
"timesteps" (the model's input) and "sigmas" (the noise levels) on the TorchScript model, from
starting noise drawn here and handed to `eddpm sample --start-noise`. Both must give the C++
sampler's samples within float32 tolerance.

Usage: check_exported_schedule.py EDDPM_BINARY
Exit: 0 pass, 1 fail, 77 skipped (no torch here, unless EDDPM_REQUIRE_PYTHON_TORCH is set).
"""
import csv
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

try:
    import torch
except ImportError:
    if os.environ.get("EDDPM_REQUIRE_PYTHON_TORCH"):
        print(f"{sys.executable} has no torch: apt-get install python3-torch", file=sys.stderr)
        sys.exit(1)
    print(f"skipped: {sys.executable} has no torch (Debian: apt-get install python3-torch)")
    sys.exit(77)

TOLERANCE = 2e-4  # float32 chains of 8 steps, two orders of arithmetic apart


def run(*args):
    subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL)


def ddim(model, timesteps, sigmas, x):
    """DDIM at eta = 0 (Song et al. 2021, eq. 12), with abar = 1 / (1 + sigma^2)."""
    for j, t in enumerate(timesteps):
        a, a_next = 1 / (1 + sigmas[j] ** 2), 1 / (1 + sigmas[j + 1] ** 2)
        eps = model(x, torch.full((x.shape[0],), t, dtype=torch.long))
        x0 = (x - math.sqrt(1 - a) * eps) / math.sqrt(a)
        x = math.sqrt(a_next) * x0 + math.sqrt(1 - a_next) * eps
    return x


def dpmpp_2m(model, timesteps, sigmas, x):
    """DPM-Solver++(2M) (Lu et al. 2022, Algorithm 2), data prediction, on the variance-preserving
    x with alpha = 1 / sqrt(1 + sigma^2), sigma_vp = sigma alpha, lambda = -log sigma; first order at
    the first step and into sigma = 0."""
    def alpha(s):
        return 1 / math.sqrt(1 + s * s)

    def lam(s):
        return -math.log(s)

    previous = None
    for j, t in enumerate(timesteps):
        s, s_next = sigmas[j], sigmas[j + 1]
        eps = model(x, torch.full((x.shape[0],), t, dtype=torch.long))
        x0 = (x - s * alpha(s) * eps) / alpha(s)
        if s_next == 0:
            x = x0
        else:
            h = lam(s_next) - lam(s)
            d = x0
            if previous is not None:
                r = (lam(s) - lam(sigmas[j - 1])) / h
                d = (1 + 1 / (2 * r)) * x0 - (1 / (2 * r)) * previous
            x = (s_next * alpha(s_next)) / (s * alpha(s)) * x - alpha(s_next) * math.expm1(-h) * d
        previous = x0
    return x


def read_points(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return torch.tensor([[float(x), float(y)] for x, y in rows[1:]])


def main(eddpm):
    work = tempfile.mkdtemp(prefix="eddpm-export-check-")
    try:
        return check(eddpm, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(eddpm, work):
    run_dir = os.path.join(work, "run")
    # A plain DDPM (jump semantics: the levels our sampler runs are the file's sigmas).
    run(eddpm, "train", "--quiet", "--data", "moons", "--T", "100", "--beta", "linear", "--keep", "1", "--semantics", "jump",
        "--iters", "300", "--batch", "128", "--device", "cpu", "--seed", "4", "--check-n", "500", "--out", run_dir)
    checkpoint = os.path.join(run_dir, "checkpoint.pt")
    model_file = os.path.join(work, "model.ts")
    run(eddpm, "export", "--checkpoint", checkpoint, "--out", model_file)
    model = torch.jit.load(model_file)

    generator = torch.Generator().manual_seed(7)
    x_T = torch.randn(512, 2, generator=generator)
    noise_file = os.path.join(work, "start.csv")
    with open(noise_file, "w") as f:
        f.write("x,y\n" + "".join(f"{x:.9g},{y:.9g}\n" for x, y in x_T.tolist()))
    x_T = read_points(noise_file)  # as eddpm reads it back: float32 of the written digits

    failures = 0
    for solver, loop in (("ddim", ddim), ("dpmpp-2m", dpmpp_2m)):
        schedule_file = os.path.join(work, f"{solver}.json")
        run(eddpm, "schedule", "--kind", "karras", "--K", "8", "--checkpoint", checkpoint, "--solver", solver,
            "--out", schedule_file)
        with open(schedule_file) as f:
            schedule = json.load(f)
        assert schedule["solver"] == solver and schedule["sigmas"][-1] == 0, schedule
        assert len(schedule["sigmas"]) == len(schedule["timesteps"]) + 1
        samples_file = os.path.join(work, f"{solver}.csv")
        run(eddpm, "sample", "--checkpoint", checkpoint, "--schedule", schedule_file, "--solver", solver,
            "--start-noise", noise_file, "--out", samples_file)
        with torch.no_grad():
            ours = loop(model, schedule["timesteps"], schedule["sigmas"], x_T.clone())
        theirs = read_points(samples_file)
        gap = (ours - theirs).abs().max().item()
        moved = (ours - x_T).abs().max().item()
        print(f"{solver}: {len(schedule['timesteps'])} steps {schedule['timesteps']}, largest difference {gap:.2e} "
              f"(samples moved up to {moved:.2f} from their noise)")
        if not gap < TOLERANCE or not moved > 0.1:
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
