#!/usr/bin/env bash
# Training beside other programs on the same cores (docs/BENCHMARKS.md, "Other programs on the
# same cores"): the EDDPM step (eddpm bench train, batch 1024, T 1000) and the PyTorch eager script
# of the same step, idle, with one core kept busy by a shell loop, and two trainings side by side;
# for each setting in SETTINGS. Rounds alternate the settings, so drift hits all alike.
# Settings: "adaptive" is the product as it ships (threads adapt, GOMP_SPINCOUNT=3000); "fixed"
# pins all threads (EDDPM_THREADS); "spin=N" pins them with GOMP_SPINCOUNT=N ("spin=default":
# libgomp's own 300,000); "adaptive+spin=default" adapts the threads with libgomp's own spin.
# Prints one JSON line per measurement; bench/report.py-style medians at the end.
# Usage: bench/contention.sh [ROUNDS]   (EDDPM=path/to/eddpm, PYTHON=python with torch,
#        SETTINGS="adaptive fixed", SECONDS_PER_RUN=20: about how long each timed run lasts)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
PYTHON="${PYTHON:-/usr/bin/python3}"
ROUNDS="${1:-3}"
SETTINGS="${SETTINGS:-adaptive fixed}"
SECONDS_PER_RUN="${SECONDS_PER_RUN:-20}"
CORES="$(nproc)"
OUT="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

rate() { "$@" 2>/dev/null | "$PYTHON" -c "import json,sys; print(json.loads(sys.stdin.read())['its_per_s'])"; }
ours() { rate "$EDDPM" bench train --iters "$1" --warmup-iters 20; }
# Iterations for about SECONDS_PER_RUN at `rate` it/s: long enough for the adaptive threads to
# settle, as in a real run (they try the other count in the first seconds).
iters_for() { "$PYTHON" -c "print(max(50, int($1 * $SECONDS_PER_RUN)))"; }
eager() { rate "$PYTHON" "$REPO_ROOT/bench/eddpm_step.py" --iters "$1" --warmup-iters 5 --threads 2; }
# The product sets GOMP_SPINCOUNT itself unless the environment has one.
with_setting() {
  local setting="$1"; shift
  case "$setting" in
    adaptive) (unset EDDPM_THREADS GOMP_SPINCOUNT; "$@") ;;
    adaptive+spin=default) (unset EDDPM_THREADS; GOMP_SPINCOUNT=300000 "$@") ;;
    fixed) EDDPM_THREADS="$CORES" "$@" ;;
    spin=default) EDDPM_THREADS="$CORES" GOMP_SPINCOUNT=300000 "$@" ;;
    spin=*) EDDPM_THREADS="$CORES" GOMP_SPINCOUNT="${setting#spin=}" "$@" ;;
    *) echo "unknown setting $setting" >&2; exit 2 ;;
  esac
}
record() { echo "{\"label\": \"$1\", \"its_per_s\": $2}" | tee -a "$OUT/results.jsonl"; }
busy_core() { sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!; }  # no shared stdout: $(...) would wait for it

for ((round = 1; round <= ROUNDS; round++)); do
  for setting in $SETTINGS; do
    idle=$(with_setting "$setting" ours "$(iters_for 25)"); record "ours idle $setting" "$idle"
    busy=$(busy_core); record "ours loaded $setting" "$(with_setting "$setting" ours "$(iters_for "$idle / 2")")"; kill "$busy"
    with_setting "$setting" ours "$(iters_for "$idle / 2")" >"$OUT/a" & with_setting "$setting" ours "$(iters_for "$idle / 2")" >"$OUT/b"; wait %1 2>/dev/null || wait
    record "ours pair $setting (first)" "$(cat "$OUT/a")"; record "ours pair $setting (second)" "$(cat "$OUT/b")"
  done
  eager_idle=$(eager "$(iters_for 11)"); record "eager idle" "$eager_idle"
  busy=$(busy_core); record "eager loaded" "$(eager "$(iters_for "$eager_idle / 2")")"; kill "$busy"
done
"$PYTHON" - "$OUT/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
labels = list(dict.fromkeys(r["label"] for r in rows))
print("\n| setting | it/s (median, min-max) |\n|---|---|")
for label in labels:
    v = [r["its_per_s"] for r in rows if r["label"] == label]
    print(f"| {label} | {statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f}) |")
PY
