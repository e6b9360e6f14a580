#!/usr/bin/env bash
# The rollout-reward tables of docs/FINDINGS.md: on a plain DDPM per 2-D data set (T=1000, frozen),
# EDDPM's mask search with the fidelity and the data reward to K=10 and K=5 (jump semantics),
# then `eddpm compare` of every schedule family at the same K (SWD to data and fidelity to the
# full chain from the same noise).
# Usage: bench/rollout_rewards.sh [OUT_DIR]  (about 25 minutes on 2 CPU cores)
# Reuses the DDPMs of bench/findings_grid.sh when they exist (DDPM_ROOT, default runs/findings).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/rollout}"
DDPM_ROOT="${DDPM_ROOT:-$REPO_ROOT/runs/findings}"
ITERS="${ITERS:-1000}"
POOL="${POOL:-128}"
KINDS="learned,uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,beta,elbo-dp"
mkdir -p "$OUT"

for data in moons 8gaussians; do
  ddpm="$DDPM_ROOT/$data-t1000/ddpm/checkpoint.pt"
  if [ ! -f "$ddpm" ]; then
    ddpm="$OUT/$data-ddpm/checkpoint.pt"
    [ -f "$ddpm" ] || $EDDPM train --data "$data" --T 1000 --keep 1 --semantics jump --iters 8000 --quiet \
      --overwrite --out "$OUT/$data-ddpm" >/dev/null
  fi
  for reward in fidelity data; do
    for K in 10 5; do
      run="$OUT/$data-$reward-k$K"
      [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.pt" ] || \
        $EDDPM train --data "$data" --T 1000 --from "$ddpm" --freeze-model --semantics jump --reward "$reward" \
          --steps-kept "$K" --masks-per-iter 16 --pool "$POOL" --iters "$ITERS" --log-every 100 --quiet \
          --overwrite --out "$run" >/dev/null
      $EDDPM compare --checkpoint "$run/checkpoint.pt" --K "$K" --kinds "$KINDS" --n 4000 --seed 1 \
        --out "$run/compare.json" > "$run/compare.txt"
    done
  done
done
python3 "$REPO_ROOT/bench/summarize_compare.py" "$OUT"/*/compare.json 2>/dev/null || true
