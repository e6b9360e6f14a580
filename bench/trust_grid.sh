#!/usr/bin/env bash
# Issue 17's grid: is the learned schedule at least as good as the best handcrafted one, and never
# worse than uniform, on every base schedule, T, data set, K and seed users run? Each cell trains
# with the product's defaults and ends with the run's own verdict (schedule_verdict.h: every
# handcrafted family at the same K on noise the run never saw, SWD on 2-D data), which
# bench/summarize_trust.py gathers into the tables of docs/FINDINGS.md.
#
# Usage: bench/trust_grid.sh [OUT_DIR]        (resumable: cells with a verdict.json are kept)
#   PART=joint   model and mask trained together (the defaults: ELBO reward; paper semantics on
#                linear betas, jump on cosine and quadratic; settling toward the best measured)
#   PART=frozen  a plain DDPM per setting, then the mask searched on it frozen (jump, data reward,
#                last step not pinned)
#   PART=all     both (default)
#   ONLY="joint/moons-cosine1000-K10-s2 frozen/..."   just these cells (names as the folders are)
# Cells (the cross product is cut; every base schedule, T and data set appears), in this order,
# so that a grid cut short still covers every setting on the first data sets:
#   joint:  5 data sets x {linear, cosine, quadratic} x T {50, 250, 1000}, K = 10, seed 0;
#           on moons and 8gaussians also K = 5 and 8 (seed 0) and seeds 1 and 2 (K = 10)
#   frozen: moons, then 8gaussians, x the nine schedule/T settings, K = 10, seed 0; on moons also
#           K = 5 and 8 and seeds 1 and 2
# A joint cell at T = 1000 takes about 3 minutes on 2 CPU cores (Intel Xeon): 90 s of training and
# as long again measuring (the settle choice, its recheck and the verdict at 16,000 points each);
# a frozen one at T = 250 about 13 (2 for the DDPM, 11 for the search and its checks), 2026-12-03.
# The whole grid: about a day. Only where timings matter should nothing else
# run meanwhile; these are qualities.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
OUT="${1:-$REPO_ROOT/runs/trust}"
PART="${PART:-all}"
DATA_SETS=(moons 8gaussians swissroll checkerboard rings)
SETTINGS=(linear:1000 cosine:1000 quadratic:1000 linear:250 cosine:250 quadratic:250 linear:50 cosine:50 quadratic:50)
mkdir -p "$OUT"

wanted() { [ -z "${ONLY:-}" ] || [[ " $ONLY " == *" $1 "* ]]; }

# cell NAME TRAIN-ARGS...: trains into OUT/NAME unless its verdict is already there.
cell() {
  local name="$1"; shift
  wanted "$name" || return 0
  [ -f "$OUT/$name/verdict.json" ] && return 0
  echo "$(date +%T) $name" >&2
  "$EDDPM" train "$@" --quiet --overwrite --out "$OUT/$name" >"$OUT/$name.log" 2>&1 ||
    { echo "  failed: $(tail -n 1 "$OUT/$name.log")" >&2; return 0; }
  tail -n 2 "$OUT/$name.log" | head -n 1 | sed 's/^/  /' >&2
}

beta_args() { echo "--beta ${1%%:*} --T ${1##*:}"; }
slug() { echo "${1%%:*}${1##*:}"; }

joint_cell() {  # data setting K seed
  cell "joint/$1-$(slug "$2")-K$3-s$4" --data "$1" $(beta_args "$2") --steps-kept "$3" --seed "$4"
}

frozen_cell() {  # data setting K seed
  local ddpm="frozen/$1-$(slug "$2")-ddpm-s$4"
  wanted "frozen/$1-$(slug "$2")-K$3-s$4" || return 0
  if [ ! -f "$OUT/$ddpm/checkpoint.pt" ]; then
    "$EDDPM" train --data "$1" $(beta_args "$2") --keep 1 --semantics jump --seed "$4" --no-verdict --quiet \
      --overwrite --out "$OUT/$ddpm" >"$OUT/$ddpm.log" 2>&1
  fi
  cell "frozen/$1-$(slug "$2")-K$3-s$4" --data "$1" $(beta_args "$2") --from "$OUT/$ddpm/checkpoint.pt" \
    --freeze-model --steps-kept "$3" --masks-per-iter 16 --pool 128 --iters 1000 --seed "$4"
}

mkdir -p "$OUT/joint" "$OUT/frozen"
if [ "$PART" = joint ] || [ "$PART" = all ]; then
  for data in "${DATA_SETS[@]}"; do
    for setting in "${SETTINGS[@]}"; do joint_cell "$data" "$setting" 10 0; done
  done
  for setting in "${SETTINGS[@]}"; do
    for data in moons 8gaussians; do
      for K in 5 8; do joint_cell "$data" "$setting" "$K" 0; done
      for seed in 1 2; do joint_cell "$data" "$setting" 10 "$seed"; done
    done
  done
fi
if [ "$PART" = frozen ] || [ "$PART" = all ]; then
  for data in moons 8gaussians; do
    for setting in "${SETTINGS[@]}"; do frozen_cell "$data" "$setting" 10 0; done
  done
  for setting in "${SETTINGS[@]}"; do
    for K in 5 8; do frozen_cell moons "$setting" "$K" 0; done
    for seed in 1 2; do frozen_cell moons "$setting" 10 "$seed"; done
  done
fi
python3 "$REPO_ROOT/bench/summarize_trust.py" "$OUT"
