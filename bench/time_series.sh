#!/usr/bin/env bash
# The paper's time-series claim on our data (issue 20): EDDPM learns K of T = 50 steps while the CSDI
# model trains on --data weather (CSDI's schedule, batch 16), per seed; then the learned steps, the
# full chain and every family are compared at K and at KSMALL on the test split's imputations
# (10% of each window's observed values hidden, --samples imputations a window, CRPS/MAE/RMSE).
# Usage: bench/time_series.sh [OUT_DIR]  (about 12 minutes a seed on two CPU cores)
# Env: DATA (weather, or csv:PATH), K (10), KSMALL (5), SEEDS ("0 1 2"), ITERS (2000), SAMPLES (16),
# TRAIN_EXTRA (more flags for eddpm train, e.g. --reward simple; use another OUT_DIR).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/time-series}"
DATA="${DATA:-weather}"
K="${K:-10}"
KSMALL="${KSMALL:-5}"
SEEDS="${SEEDS:-0 1 2}"
ITERS="${ITERS:-2000}"
SAMPLES="${SAMPLES:-16}"
KINDS="uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,beta,elbo-dp"
name="${DATA//[:\/]/_}"
mkdir -p "$OUT"
for seed in $SEEDS; do
  run="$OUT/$name-k$K-s$seed"
  [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.pt" ] || \
    $EDDPM train --data "$DATA" --steps-kept "$K" --iters "$ITERS" --seed "$seed" ${TRAIN_EXTRA:-} \
      --log-every 100 --quiet --overwrite --out "$run" >/dev/null
  for k in "$K" "$KSMALL"; do
    kinds="$KINDS"
    [ "$k" = "$K" ] && kinds="learned,$KINDS"
    $EDDPM compare --checkpoint "$run/checkpoint.pt" --K "$k" --kinds "$kinds" --samples "$SAMPLES" --seed 1 \
      --out "$OUT/$name-k$K-s$seed-compare-k$k.json" > "$OUT/$name-k$K-s$seed-compare-k$k.txt"
  done
done
python3 "$REPO_ROOT/bench/summarize_time_series.py" "$OUT"/"$name"-k"$K"-s*-compare-k*.json
