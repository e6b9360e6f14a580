#!/usr/bin/env python3
"""Item 3 of docs/BENCHMARKS.md in PyTorch eager: the engine's U-Net (core/models/unet.cpp, presets tiny
and small) on 28x28 MNIST, trained with the EDDPM step of bench/eddpm_step.py, and DDIM sampling
(eta 0) of images on a uniform K-step schedule, as `eddpm bench train|sample --model PRESET --data
mnist` do.

usage: unet_step.py train|sample [--preset tiny|small] [--batch B] [--iters N] [--n N] [--K K]
                    [--reps R] [--mnist DIR] [--T T] [--device cpu|cuda] [--threads N]
prints one JSON line: iterations per second (train) or images per second (sample), peak memory."""
import argparse
import math
import os

import torch
import torch.nn as nn
import torch.nn.functional as F

from eddpm_step import result_line, timed_training, timestep_embedding, training_arguments
from sample_step import seconds_per_sample_run

PRESETS = {"tiny": (16, (1, 2, 2), 2, False), "small": (48, (1, 2, 2), 2, True)}
GROUPS = 8


class ResBlock(nn.Module):
    def __init__(self, cin, cout, time_dim):
        super().__init__()
        self.norm1, self.conv1 = nn.GroupNorm(GROUPS, cin), nn.Conv2d(cin, cout, 3, padding=1)
        self.time = nn.Linear(time_dim, cout)
        self.norm2, self.conv2 = nn.GroupNorm(GROUPS, cout), nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, temb):
        h = self.conv1(F.silu(self.norm1(x))) + self.time(temb)[:, :, None, None]
        h = self.conv2(F.silu(self.norm2(h)))
        return (self.skip(x) if self.skip is not None else x) + h


class SelfAttention(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.norm = nn.GroupNorm(GROUPS, channels)
        self.qkv, self.proj = nn.Conv2d(channels, 3 * channels, 1), nn.Conv2d(channels, channels, 1)

    def forward(self, x):
        b, c, h, w = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, 3, c, h * w).unbind(1)
        weights = torch.softmax(torch.bmm(q.transpose(1, 2), k) / math.sqrt(c), -1)
        return x + self.proj(torch.bmm(v, weights.transpose(1, 2)).reshape(b, c, h, w))


class Resample(nn.Module):
    def __init__(self, channels, down):
        super().__init__()
        self.down = down
        self.conv = nn.Conv2d(channels, channels, 3, stride=2 if down else 1, padding=1)

    def forward(self, x, size=None):
        return self.conv(x if self.down else F.interpolate(x, size=size, mode="nearest"))


class UNet(nn.Module):
    def __init__(self, preset, channels=1):
        super().__init__()
        self.base, multipliers, res_blocks, attention = PRESETS[preset]
        time_dim = 4 * self.base
        self.time_in, self.time_out = nn.Linear(self.base, time_dim), nn.Linear(time_dim, time_dim)
        self.conv_in = nn.Conv2d(channels, self.base, 3, padding=1)
        skips, ch = [self.base], self.base
        self.down, self.middle, self.up = nn.ModuleList(), nn.ModuleList(), nn.ModuleList()
        for level, mult in enumerate(multipliers):
            for _ in range(res_blocks):
                self.down.append(ResBlock(ch, self.base * mult, time_dim))
                ch = self.base * mult
                skips.append(ch)
            if level + 1 < len(multipliers):
                self.down.append(Resample(ch, True))
                skips.append(ch)
        self.middle.append(ResBlock(ch, ch, time_dim))
        if attention:
            self.middle.append(SelfAttention(ch))
        self.middle.append(ResBlock(ch, ch, time_dim))
        for level in reversed(range(len(multipliers))):
            for _ in range(res_blocks + 1):
                self.up.append(ResBlock(ch + skips.pop(), self.base * multipliers[level], time_dim))
                ch = self.base * multipliers[level]
            if level > 0:
                self.up.append(Resample(ch, False))
        self.norm_out, self.conv_out = nn.GroupNorm(GROUPS, ch), nn.Conv2d(ch, channels, 3, padding=1)
        nn.init.zeros_(self.conv_out.weight)
        nn.init.zeros_(self.conv_out.bias)

    def forward(self, x, t):
        temb = self.time_out(F.silu(self.time_in(timestep_embedding(t, self.base))))
        h = self.conv_in(x)
        skips = [h]
        for m in self.down:
            h = m(h, temb) if isinstance(m, ResBlock) else m(h)
            skips.append(h)
        for m in self.middle:
            h = m(h, temb) if isinstance(m, ResBlock) else m(h)
        for m in self.up:
            if isinstance(m, ResBlock):
                h = m(torch.cat([h, skips.pop()], 1), temb)
            else:
                h = m(h, skips[-1].shape[2:])
        return self.conv_out(F.silu(self.norm_out(h)))


def load_mnist(directory):
    """The IDX training images (scripts/fetch-mnist writes them), scaled to [-1, 1]."""
    with open(os.path.join(directory, "train-images-idx3-ubyte"), "rb") as f:
        raw = f.read()
    count, rows, cols = (int.from_bytes(raw[i:i + 4], "big") for i in (4, 8, 12))
    pixels = torch.frombuffer(bytearray(raw[16:16 + count * rows * cols]), dtype=torch.uint8)
    return pixels.view(count, 1, rows, cols).float() / 127.5 - 1.0


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["train", "sample"])
    p.add_argument("--preset", choices=sorted(PRESETS), default="small")
    p.add_argument("--n", type=int, default=512)
    p.add_argument("--K", type=int, default=10)
    p.add_argument("--reps", type=int, default=3)
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache")
    default_data = os.path.join(os.environ.get("EDDPM_DATA_DIR") or os.path.join(cache, "eddpm"), "mnist")
    p.add_argument("--mnist", default=default_data)
    a = training_arguments(p, 50, 5, 128)
    dev = torch.device(a.device)
    torch.manual_seed(0)
    model = UNet(a.preset).to(dev)
    if a.mode == "train":
        images = load_mnist(a.mnist)
        gen = torch.Generator().manual_seed(0)
        next_batch = lambda: images[torch.randint(len(images), (a.batch,), generator=gen)].to(dev)
        its_per_s = timed_training(model, next_batch, a, dev)
        print(result_line("train", dev, its_per_s=its_per_s, batch=a.batch, T=a.T, model=a.preset))
        return
    elapsed = seconds_per_sample_run(model.eval(), (a.n, 1, 28, 28), a.T, a.K, a.reps, dev)
    print(result_line("sample", dev, samples_per_s=a.n / elapsed, n=a.n, K=a.K, model=a.preset))


if __name__ == "__main__":
    main()
