#!/usr/bin/env bash
# The searched schedules against EDDPM's learned one (docs/SEARCHES.md): `eddpm recommend` on each
# checkpoint at each K and solver and search seed, then one table of held-out quality per candidate.
# Usage: bench/recommend.sh OUT_DIR CHECKPOINT... (env: KS="5 10", SOLVERS="ddim dpmpp-2m", SEEDS="0",
# BUDGET_MINUTES=1, EDDPM=build/app/cli/eddpm, EXTRA="" more recommend flags)
set -euo pipefail
OUT="$1"; shift
EDDPM="${EDDPM:-build/app/cli/eddpm}"
mkdir -p "$OUT"
for checkpoint in "$@"; do
  model=$(basename "$(dirname "$checkpoint")")
  for K in ${KS:-5 10}; do
    for solver in ${SOLVERS:-ddim dpmpp-2m}; do
      for seed in ${SEEDS:-0}; do
        dir="$OUT/$model-k$K-$solver-s$seed"
        [ -f "$dir/report.json" ] && continue
        "$EDDPM" recommend --checkpoint "$checkpoint" --K "$K" --solver "$solver" --seed "$seed" \
          --budget-minutes "${BUDGET_MINUTES:-1}" --quiet ${EXTRA:-} --out "$dir" >"$dir.txt" 2>&1 || echo "failed: $dir"
      done
    done
  done
done
python3 - "$OUT" <<'PY'
import json, pathlib, sys
out = pathlib.Path(sys.argv[1])
for report in sorted(out.glob("*/report.json")):
    r = json.loads(report.read_text())
    rows = [x for x in r["rows"] if x.get("quality") is not None]
    rows.sort(key=lambda x: x["quality"])
    best = rows[0]["quality"]
    print(f"\n{report.parent.name} ({r['measure']}, winner {r['winner']})")
    for x in rows:
        print(f"  {x['candidate']:<11} {x['kind']:<8} {x['quality']:.4g} +- {x['spread']:.2g}  "
              f"{100 * (x['quality'] / best - 1):+6.1f}%  {x['search_seconds']:6.1f} s")
PY
