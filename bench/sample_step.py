#!/usr/bin/env python3
"""Item 2 of docs/BENCHMARKS.md in PyTorch eager: DDIM sampling (eta 0) of 2-D points with the
default MLP (bench/eddpm_step.py) on a uniform K-step schedule, as `eddpm bench sample` does.

usage: sample_step.py [--n N] [--K K] [--T T] [--reps R] [--device cpu|cuda] [--threads N]
prints one JSON line: points sampled per second, peak memory."""
import argparse
import time

import torch

from eddpm_step import MlpDenoiser, common_arguments, result_line


def uniform_schedule(T, K):
    """DDIM's uniform schedule, descending: 0, T/K, 2T/K, ... (spec's uniform family)."""
    step = T // K
    return sorted({min(T - 1, i * step) for i in range(K)}, reverse=True)


def sample(model, x, abar, timesteps):
    for i, t in enumerate(timesteps):
        a = abar[t]
        a_prev = abar[timesteps[i + 1]] if i + 1 < len(timesteps) else 1.0
        eps = model(x, torch.full((x.shape[0],), t, device=x.device, dtype=torch.long))
        x0 = (x - (1 - a) ** 0.5 * eps) / a ** 0.5
        x = a_prev ** 0.5 * x0 + (1 - a_prev) ** 0.5 * eps
    return x


def seconds_per_sample_run(model, shape, T, K, reps, dev):
    """DDIM on a uniform K-step schedule from fresh noise of `shape`: one untimed run, then the
    mean time of `reps` runs (linear betas 1e-4..0.02 over T steps)."""
    abar = torch.cumprod(1 - torch.linspace(1e-4, 0.02, T, dtype=torch.float64), 0).tolist()
    timesteps = uniform_schedule(T, K)
    with torch.no_grad():
        sample(model, torch.randn(*shape, device=dev), abar, timesteps)
        if dev.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(reps):
            sample(model, torch.randn(*shape, device=dev), abar, timesteps)
        if dev.type == "cuda":
            torch.cuda.synchronize()
    return (time.perf_counter() - start) / reps


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--n", type=int, default=10000)
    p.add_argument("--K", type=int, default=10)
    p.add_argument("--reps", type=int, default=5)
    a = common_arguments(p)
    dev = torch.device(a.device)
    torch.manual_seed(0)
    model = MlpDenoiser().to(dev).eval()
    elapsed = seconds_per_sample_run(model, (a.n, 2), a.T, a.K, a.reps, dev)
    print(result_line("sample", dev, samples_per_s=a.n / elapsed, n=a.n, K=a.K))

if __name__ == "__main__":
    main()
