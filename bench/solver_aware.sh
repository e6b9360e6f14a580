#!/usr/bin/env bash
# Steps learned for the solver they run with (issue 19): on the frozen moons DDPM of
# bench/rollout_rewards.sh (T=1000 linear, jump semantics), EDDPM's mask search with the fidelity
# reward learns K steps once with --solver ddim and once with --solver dpmpp-2m, per seed; then both
# learned schedules and every family are compared under DPM-Solver++(2M) on the same noise.
# Usage: bench/solver_aware.sh [OUT_DIR]  (about 30 minutes on 2 CPU cores)
# Env: DATA (moons), K (10), SEEDS ("0 1 2"), ITERS (1000), DDPM_ROOT (reuses runs/rollout's DDPM).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/solver-aware}"
DATA="${DATA:-moons}"
K="${K:-10}"
SEEDS="${SEEDS:-0 1 2}"
ITERS="${ITERS:-1000}"
DDPM_ROOT="${DDPM_ROOT:-$REPO_ROOT/runs/rollout}"
KINDS="uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal"
mkdir -p "$OUT"

ddpm="$DDPM_ROOT/$DATA-ddpm/checkpoint.pt"
if [ ! -f "$ddpm" ]; then
  ddpm="$OUT/$DATA-ddpm/checkpoint.pt"
  [ -f "$ddpm" ] || $EDDPM train --data "$DATA" --T 1000 --keep 1 --semantics jump --iters 8000 --quiet \
    --overwrite --out "$OUT/$DATA-ddpm" >/dev/null
fi
for seed in $SEEDS; do
  for solver in ddim dpmpp-2m; do
    run="$OUT/$DATA-k$K-s$seed-$solver"
    [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.pt" ] || \
      $EDDPM train --data "$DATA" --T 1000 --from "$ddpm" --freeze-model --semantics jump --reward fidelity \
        --solver "$solver" --steps-kept "$K" --masks-per-iter 16 --pool 128 --iters "$ITERS" --seed "$seed" \
        --log-every 100 --quiet --overwrite --out "$run" >/dev/null
    $EDDPM schedule --kind learned --K "$K" --checkpoint "$run/checkpoint.pt" --solver "$solver" \
      --out "$OUT/$DATA-k$K-s$seed-learned-for-$solver.json" >/dev/null
  done
  # Both learned schedules and the families, all under DPM-Solver++(2M), from the same noise.
  $EDDPM compare --checkpoint "$OUT/$DATA-k$K-s$seed-ddim/checkpoint.pt" "$OUT/$DATA-k$K-s$seed-dpmpp-2m/checkpoint.pt" \
    --K "$K" --kinds "learned,$KINDS" --solver dpmpp-2m --n 4000 --seed 1 \
    --out "$OUT/$DATA-k$K-s$seed-compare.json" > "$OUT/$DATA-k$K-s$seed-compare.txt"
done
python3 "$REPO_ROOT/bench/summarize_solver_aware.py" "$OUT"/"$DATA"-k"$K"-s*-compare.json
