#!/usr/bin/env bash
# The grid behind docs/FINDINGS.md: plain DDPM and EDDPM with each semantics x reward weighting,
# on two 2-D data sets and two noise schedules, then `eddpm compare` on every model at K=10.
# Usage: bench/findings_grid.sh [OUT_DIR]   (about 20 minutes on 2 CPU cores)
# SKIP_EXISTING=1 keeps runs that already have a checkpoint and only retrains the missing ones.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/findings}"
ITERS="${ITERS:-8000}"
SEED="${SEED:-0}"
LR_S="${LR_S:-0.1}"
N="${N:-2000}"
mkdir -p "$OUT"

settings=(
  "t1000 --T 1000 --beta linear"
  "t50 --T 50 --beta quadratic"
)
for data in moons 8gaussians; do
  for setting in "${settings[@]}"; do
    read -r name beta_args <<<"$setting"
    dir="$OUT/$data-$name"
    checkpoints=()
    # Plain DDPM: every step kept; sampled the DDIM way (jump semantics), as the paper compares.
    if [ -z "${SKIP_EXISTING:-}" ] || [ ! -f "$dir/ddpm/checkpoint.pt" ]; then
      $EDDPM train --data "$data" $beta_args --keep 1 --semantics jump --iters "$ITERS" --seed "$SEED" --quiet \
        --overwrite --out "$dir/ddpm" >/dev/null
    fi
    checkpoints+=("$dir/ddpm/checkpoint.pt")
    for semantics in paper jump; do
      for reward in simple elbo; do
        run="$dir/$semantics-$reward"
        checkpoints+=("$run/checkpoint.pt")
        [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.pt" ] && continue
        $EDDPM train --data "$data" $beta_args --steps-kept 10 --semantics "$semantics" --reward "$reward" \
          --lr-s "$LR_S" --iters "$ITERS" --seed "$SEED" --quiet --overwrite --out "$run" | tail -2 | head -1 | sed "s|^|$data $name $semantics-$reward: |"
      done
    done
    $EDDPM compare --checkpoint "${checkpoints[@]}" --K 10 --n "$N" --seed "$SEED" --out "$dir/compare.json" >"$dir/compare.txt"
  done
done
python3 "$REPO_ROOT/bench/summarize_compare.py" "$OUT"/*/compare.json
