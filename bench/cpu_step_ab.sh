#!/usr/bin/env bash
# Benchmark item 1 of issue 5 on the CPU: EDDPM training iterations/s of the C++ engine against
# bench/eddpm_step.py (PyTorch eager, the same step), same machine, same LibTorch (Debian's
# libtorch-dev and python3-torch are one build). Prints both rates and their ratio.
# usage: bench/cpu_step_ab.sh [ITERS]     needs: apt-get install python3-torch
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
ITERS="${1:-400}"
THREADS="$(nproc)"
RUN="$(mktemp -d)"
trap 'rm -rf "$RUN"' EXIT
"$EDDPM" train --data moons --T 1000 --keep 0.01 --semantics jump --reward simple --normalize-advantages 0 \
  --batch 1024 --iters "$ITERS" --warmup 0 --ramp-end "$ITERS" --lr-s 0.01 --log-every 50 --autosave-minutes 0 \
  --device cpu --quiet --out "$RUN" >/dev/null 2>&1
cpp=$(/usr/bin/python3 -c "
import json
rows = [json.loads(l) for l in open('$RUN/metrics.jsonl')][1:]  # the first window holds start-up
print('%.1f' % (sum(r['its_per_s'] for r in rows) / len(rows)))")
py=$(/usr/bin/python3 "$REPO_ROOT/bench/eddpm_step.py" --iters "$ITERS" --warmup-iters 50 --threads "$THREADS" | sed 's/python eager: \([0-9.]*\) it\/s.*/\1/')
echo "C++ $cpp it/s, PyTorch eager $py it/s, ratio $(/usr/bin/python3 -c "print('%.2f' % ($cpp / $py))") (batch 1024, T 1000, $THREADS threads)"
