#!/usr/bin/env bash
# Training beside other programs on the same cores (docs/BENCHMARKS.md, "Other programs on the
# same cores"): the EDDPM step (eddpm bench train, batch 1024, T 1000) and the PyTorch eager script
# of the same step, idle, with one core kept busy by a shell loop, and two trainings side by side;
# for each OpenMP spin setting in SPINS. Rounds alternate the settings, so drift hits all alike.
# Prints one JSON line per measurement; bench/report.py-style medians at the end.
# Usage: bench/contention.sh [ROUNDS]   (EDDPM=path/to/eddpm, PYTHON=python with torch, SPINS="default 1000")
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
PYTHON="${PYTHON:-/usr/bin/python3}"
ROUNDS="${1:-3}"
SPINS="${SPINS:-default 1000 10000}"
OUT="$(mktemp -d)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$OUT"' EXIT

rate() { "$@" 2>/dev/null | "$PYTHON" -c "import json,sys; print(json.loads(sys.stdin.read())['its_per_s'])"; }
ours() { rate "$EDDPM" bench train --iters "$1" --warmup-iters 20; }
eager() { rate "$PYTHON" "$REPO_ROOT/bench/eddpm_step.py" --iters "$1" --warmup-iters 5 --threads 2; }
# The product sets GOMP_SPINCOUNT itself unless the environment has one: "default" is libgomp's own.
with_spin() { local spin="$1"; shift; if [[ "$spin" == default ]]; then GOMP_SPINCOUNT=300000 "$@"; else GOMP_SPINCOUNT="$spin" "$@"; fi; }
record() { echo "{\"label\": \"$1\", \"its_per_s\": $2}" | tee -a "$OUT/results.jsonl"; }
busy_core() { sh -c 'while :; do :; done' >/dev/null 2>&1 & echo $!; }  # no shared stdout: $(...) would wait for it

for ((round = 1; round <= ROUNDS; round++)); do
  for spin in $SPINS; do
    record "ours idle spin=$spin" "$(with_spin "$spin" ours 150)"
    busy=$(busy_core); record "ours loaded spin=$spin" "$(with_spin "$spin" ours 100)"; kill "$busy"
    with_spin "$spin" ours 80 >"$OUT/a" & with_spin "$spin" ours 80 >"$OUT/b"; wait %1 2>/dev/null || wait
    record "ours pair spin=$spin (first)" "$(cat "$OUT/a")"; record "ours pair spin=$spin (second)" "$(cat "$OUT/b")"
  done
  record "eager idle" "$(eager 60)"
  busy=$(busy_core); record "eager loaded" "$(eager 40)"; kill "$busy"
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
