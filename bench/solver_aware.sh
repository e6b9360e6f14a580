#!/usr/bin/env bash
# Steps learned for the solver they run with (issue 19): on the frozen moons DDPM of
# bench/rollout_rewards.sh (T=1000 linear, jump semantics), EDDPM's mask search with the fidelity
# reward learns K steps once with --solver ddim and once with --solver dpmpp-2m, per seed; then both
# learned schedules and every family are compared under DPM-Solver++(2M) on the same noise.
# Usage: bench/solver_aware.sh [OUT_DIR]  (moons: about 15 minutes a seed on 2 CPU cores)
# Env: DATA (moons, or mnist: the 14x14 DDPM of bench/mnist_cpu.sh's recipe, 8 masks x 32 noises,
# 150 iterations, n = 500 as bench/mnist_rollout.sh; about 40 minutes for its DDPM, 20 a seed),
# K (10), SEEDS ("0 1 2"), ITERS, DDPM_ROOT (reuses runs/rollout's DDPM), SEARCH_EXTRA (more
# flags for both mask searches, e.g. --pin-last; use another OUT_DIR).
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/solver-aware}"
DATA="${DATA:-moons}"
K="${K:-10}"
SEEDS="${SEEDS:-0 1 2}"
DDPM_ROOT="${DDPM_ROOT:-$REPO_ROOT/runs/rollout}"
KINDS="uniform,trailing,linspace,quadratic,logsnr,karras,kl-optimal,beta"
if [ "$DATA" = mnist ]; then
  DATA_ARGS=(--data mnist --size 14 --T 1000 --beta linear)
  DDPM_ARGS=(--model tiny --iters 8000 --batch 128)
  SEARCH_ARGS=(--masks-per-iter 8 --pool 32)
  ITERS="${ITERS:-150}"
  N=500
else
  DATA_ARGS=(--data "$DATA" --T 1000)
  DDPM_ARGS=(--semantics jump --iters 8000)
  SEARCH_ARGS=(--masks-per-iter 16 --pool 128)
  ITERS="${ITERS:-1000}"
  N=4000
fi
mkdir -p "$OUT"

ddpm="$DDPM_ROOT/$DATA-ddpm/checkpoint.pt"
if [ ! -f "$ddpm" ]; then
  ddpm="$OUT/$DATA-ddpm/checkpoint.pt"
  [ -f "$ddpm" ] || $EDDPM train "${DATA_ARGS[@]}" "${DDPM_ARGS[@]}" --keep 1 --quiet \
    --overwrite --out "$OUT/$DATA-ddpm" >/dev/null
fi
for seed in $SEEDS; do
  for solver in ddim dpmpp-2m; do
    run="$OUT/$DATA-k$K-s$seed-$solver"
    [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.pt" ] || \
      $EDDPM train "${DATA_ARGS[@]}" --from "$ddpm" --freeze-model --semantics jump --reward fidelity \
        --solver "$solver" --steps-kept "$K" "${SEARCH_ARGS[@]}" --iters "$ITERS" --seed "$seed" \
        ${SEARCH_EXTRA:-} --log-every 100 --quiet --overwrite --out "$run" >/dev/null
    $EDDPM schedule --kind learned --K "$K" --checkpoint "$run/checkpoint.pt" --solver "$solver" \
      --out "$OUT/$DATA-k$K-s$seed-learned-for-$solver.json" >/dev/null
  done
  # Both learned schedules and the families, all under DPM-Solver++(2M), from the same noise.
  $EDDPM compare --checkpoint "$OUT/$DATA-k$K-s$seed-ddim/checkpoint.pt" "$OUT/$DATA-k$K-s$seed-dpmpp-2m/checkpoint.pt" \
    --K "$K" --kinds "learned,$KINDS" --solver dpmpp-2m --n "$N" --seed 1 \
    --out "$OUT/$DATA-k$K-s$seed-compare.json" > "$OUT/$DATA-k$K-s$seed-compare.txt"
done
python3 "$REPO_ROOT/bench/summarize_solver_aware.py" "$OUT"/"$DATA"-k"$K"-s*-compare.json
