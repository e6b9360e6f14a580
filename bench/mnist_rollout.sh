#!/usr/bin/env bash
# The rollout rewards on MNIST (docs/FINDINGS.md): the frozen 14x14 DDPM of bench/mnist_cpu.sh,
# EDDPM's mask search with the fidelity and the data reward (MMD in FD-LeNet features) to K=10
# and K=5, then `eddpm compare` of every family at the same K.
# Usage: bench/mnist_rollout.sh [OUT_DIR]  (about 50 minutes on 2 CPU cores: each rollout is
# masks x kept steps U-Net calls on the pool, and compare samples the 1,000-step chain; the small
# pool, iteration count and n keep it there)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/mnist14}"
ITERS="${ITERS:-150}"
POOL="${POOL:-32}"
N="${N:-500}"
KINDS="learned,uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,beta,elbo-dp"
[ -f "$OUT/ddpm/checkpoint.pt" ] || { echo "run bench/mnist_cpu.sh first (it trains $OUT/ddpm)" >&2; exit 1; }

for reward in fidelity data; do
  for K in 10 5; do
    run="$OUT/$reward-k$K"
    [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.pt" ] || \
      $EDDPM train --data mnist --size 14 --T 1000 --beta linear --from "$OUT/ddpm/checkpoint.pt" --freeze-model \
        --semantics jump --reward "$reward" --steps-kept "$K" --masks-per-iter 8 --pool "$POOL" --iters "$ITERS" \
        --log-every 20 --quiet --overwrite --out "$run" >/dev/null
    $EDDPM compare --checkpoint "$run/checkpoint.pt" --K "$K" --kinds "$KINDS" --n "$N" --seed 0 \
      --out "$run/compare.json" > "$run/compare.txt"
  done
done
