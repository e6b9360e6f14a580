#!/usr/bin/env python3
"""The EDDPM training step of the C++ engine, written the way a PyTorch user would (eager mode),
for the speed comparison in docs/BENCHMARKS.md. Same model (the default 2-D MLP), same step:
per-example masks, jump semantics, simple reward, leave-one-out baseline, score-function gradient,
exact projection onto {0 <= s <= 1, sum s <= K_e} with the last step pinned, Adam with clipping.

usage: eddpm_step.py [--iters N] [--batch B] [--T T] [--device cpu|cuda] [--threads N]
prints one JSON line: iterations per second over the timed iterations, peak memory."""
import argparse
import json
import math
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


def timestep_embedding(t, dim):
    """Sinusoidal embedding of the timesteps, as core/models/mlp_denoiser.cpp computes it."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.sin(args), torch.cos(args)], 1)


class MlpDenoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.in_x = nn.Linear(2, 256)
        self.in_t = nn.Linear(128, 256)
        self.h1, self.h2, self.h3 = nn.Linear(256, 256), nn.Linear(256, 256), nn.Linear(256, 256)
        self.out = nn.Linear(256, 2)

    def forward(self, x, t):
        temb = timestep_embedding(t, 128)
        h = F.silu(self.in_x(x) + self.in_t(temb))
        h = F.silu(self.h1(h))
        h = F.silu(self.h2(h))
        h = F.silu(self.h3(h))
        return self.out(h)


def moons(n, gen):
    angle = torch.rand(n, generator=gen) * math.pi
    lower = torch.rand(n, generator=gen) < 0.5
    x = torch.where(lower, 1 - torch.cos(angle), torch.cos(angle))
    y = torch.where(lower, 0.5 - torch.sin(angle), torch.sin(angle))
    return torch.stack([x, y], 1) + 0.1 * torch.randn(n, 2, generator=gen)


def project(z, budget):
    """Exact projection: s = clamp(z - v, 0, 1) with the smallest v >= 0 meeting the budget."""
    clipped = z.clamp(0, 1)
    g0 = clipped.sum()
    if g0 <= budget:
        return clipped
    active0 = ((z > 0) & (z <= 1)).sum()
    up, down = z - 1, z
    positions = torch.cat([up[up > 0], down[down > 0]])
    changes = torch.cat([torch.ones_like(up[up > 0]), -torch.ones_like(down[down > 0])])
    positions, order = positions.sort()
    changes = changes[order]
    starts = torch.cat([positions.new_zeros(1), positions[:-1]])
    active = active0 + torch.cat([changes.new_zeros(1), changes.cumsum(0)[:-1]])
    g_end = g0 - (active * (positions - starts)).cumsum(0)
    k = int((g_end <= budget).nonzero()[0])
    g_start = g0 if k == 0 else g_end[k - 1]
    v = starts[k] + (g_start - budget) / active[k]
    return (z - v).clamp(0, 1)


def eddpm_step(model, opt, x0, s, abar, budget, lr_s):
    """One EDDPM iteration on a batch; returns the projected mask probabilities."""
    B, T = x0.shape[0], s.shape[0]
    probs = s.clamp(0, 1).expand(B, T).clone()
    probs[:, -1] = 1.0
    masks = torch.bernoulli(probs)
    t = torch.multinomial(masks, 1).squeeze(1)
    a_t = abar[t].float().view(-1, *([1] * (x0.dim() - 1)))
    eps = torch.randn_like(x0)
    x_t = a_t.sqrt() * x0 + (1 - a_t).sqrt() * eps
    mse = (eps - model(x_t, t)).pow(2).flatten(1).mean(1).double()
    opt.zero_grad()
    mse.mean().float().backward()
    nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()
    r = mse.detach()
    adv = r - (r.sum() - r) / (B - 1)
    sc = s.clamp(1e-4, 1 - 1e-4)
    g = (adv @ masks * (1 / sc + 1 / (1 - sc)) - adv.sum() / (1 - sc)) / B
    z = s - lr_s * g
    new_s = torch.ones_like(s)
    new_s[:-1] = project(z[:-1], budget - 1)
    return new_s


def common_arguments(p):
    """The options both eager scripts take; returns the parsed arguments with threads applied."""
    p.add_argument("--T", type=int, default=1000)
    p.add_argument("--device", default="cpu")
    p.add_argument("--threads", type=int, default=0)
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    return a


def result_line(item, dev, **figures):
    """One JSON line for bench/run: the figures, the threads, torch's version and peak memory."""
    result = {"item": item, "impl": "python eager", **figures, "threads": torch.get_num_threads(),
              "torch": torch.__version__, "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    if dev.type == "cuda":
        result["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return json.dumps(result)


def timed_training(model, next_batch, a, dev):
    """Runs a.warmup_iters + a.iters EDDPM iterations on next_batch() batches (Adam, lr 1e-3,
    linear betas 1e-4..0.02, s starting at 1); returns iterations per second of the timed ones."""
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    betas = torch.linspace(1e-4, 0.02, a.T, dtype=torch.float64)
    abar = torch.cumprod(1 - betas, 0).to(dev)
    s = torch.ones(a.T, dtype=torch.float64, device=dev)
    total = a.warmup_iters + a.iters
    for i in range(total):
        if i == a.warmup_iters:
            if dev.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
        # the budget ramps linearly here: the cost of the step does not depend on its shape
        s = eddpm_step(model, opt, next_batch(), s, abar, a.T * max(a.keep, 1 - i / total), a.lr_s)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return a.iters / (time.perf_counter() - start)


def training_arguments(p, iters, warmup_iters, batch):
    p.add_argument("--iters", type=int, default=iters)
    p.add_argument("--warmup-iters", type=int, default=warmup_iters)
    p.add_argument("--batch", type=int, default=batch)
    p.add_argument("--keep", type=float, default=0.01)
    p.add_argument("--lr-s", type=float, default=0.01)
    return common_arguments(p)


def main():
    a = training_arguments(argparse.ArgumentParser(), 600, 100, 1024)
    dev = torch.device(a.device)
    gen = torch.Generator().manual_seed(0)
    torch.manual_seed(0)
    its_per_s = timed_training(MlpDenoiser().to(dev), lambda: moons(a.batch, gen).to(dev), a, dev)
    print(result_line("train", dev, its_per_s=its_per_s, batch=a.batch, T=a.T))


if __name__ == "__main__":
    main()
