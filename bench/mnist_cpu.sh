#!/usr/bin/env bash
# The image issue's CPU run behind docs/MNIST.md: 14x14 MNIST, tiny U-Net, T=1000 linear.
# 1. a plain DDPM (every step kept); 2. EDDPM's mask search on that model, frozen, to K=10 and to
# K=5 (jump semantics: the model keeps the levels it was trained on); 3. `eddpm compare` of every
# schedule family at the same K, plus the full chain, on 1,000 generated digits (FD-LeNet vs the
# 1,000 held-out digits, and the real-vs-real floor).
# Usage: bench/mnist_cpu.sh [OUT_DIR]  (about 40 minutes on 2 CPU cores; needs scripts/fetch-mnist)
# SKIP_EXISTING=1 keeps runs that already have a checkpoint.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/mnist14}"
DATA=(--data mnist --size 14 --T 1000 --beta linear)
KINDS="learned,uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,beta,elbo-dp"
mkdir -p "$OUT"

trained() { [ -n "${SKIP_EXISTING:-}" ] && [ -f "$1/checkpoint.pt" ]; }

trained "$OUT/ddpm" || $EDDPM train "${DATA[@]}" --model tiny --keep 1 --iters 8000 --batch 128 --log-every 100 \
  --overwrite --out "$OUT/ddpm"
for K in 10 5; do
  trained "$OUT/eddpm-k$K" || $EDDPM train "${DATA[@]}" --from "$OUT/ddpm/checkpoint.pt" --freeze-model \
    --semantics jump --reward elbo --steps-kept "$K" --iters 2000 --batch 128 --log-every 50 --overwrite --out "$OUT/eddpm-k$K"
  $EDDPM compare --checkpoint "$OUT/eddpm-k$K/checkpoint.pt" --K "$K" --kinds "$KINDS" --n 1000 --seed 0 \
    --out "$OUT/compare-k$K.json" | tee "$OUT/compare-k$K.txt"
done
