#!/usr/bin/env bash
# One round of item 5 of docs/BENCHMARKS.md: the same training run in the explorer (offscreen, every
# live plot and quality probe on) and in the headless CLI, one after the other; prints one JSON line
# with both training rates (iterations over time of the logged windows after the first) and the
# explorer's event-loop latency and peak memory.
#
# usage: bench/explorer_vs_cli.sh gui-first|cli-first ITERS DATA [SIZE]
#   EDDPM, EXPLORER, PYTHON as in bench/run. The order alternates between rounds: the second run of a
#   pair measured up to 3% slower here.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EDDPM="${EDDPM:-$REPO_ROOT/build/app/cli/eddpm}"
EXPLORER="${EXPLORER:-$REPO_ROOT/build/app/explorer/eddpm-explorer}"
PYTHON="${PYTHON:-python3}"
order="$1" iters="$2" data="$3" size="${4:-}"
size_args=()
[[ -n "$size" ]] && size_args=(--size "$size")
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
gui() {
  XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" \
    "$EXPLORER" --data "$data" "${size_args[@]}" --iters "$iters" --device cpu --bench-report "$scratch/gui.json" \
    >/dev/null 2>&1
}
cli() {
  "$EDDPM" train --data "$data" "${size_args[@]}" --iters "$iters" --device cpu --autosave-minutes 0 --quiet \
    --out "$scratch/cli" >/dev/null 2>&1
}
if [[ "$order" == gui-first ]]; then gui; cli; else cli; gui; fi
"$PYTHON" - "$scratch" "$data" <<'PY'
import json, os, sys
scratch, data = sys.argv[1], sys.argv[2]
def rate(run_dir):  # iterations over time of the logged windows after the first (start-up)
    rows = [json.loads(l) for l in open(os.path.join(run_dir, "metrics.jsonl"))]
    spans = [(b["iter"] - a["iter"], b["its_per_s"]) for a, b in zip(rows, rows[1:])]
    return sum(n for n, _ in spans) / sum(n / r for n, r in spans)
gui = json.load(open(os.path.join(scratch, "gui.json")))
g, c = rate(gui["run_dir"]), rate(os.path.join(scratch, "cli"))
print(json.dumps({"label": f"5 explorer vs CLI cpu ({data})", "item": "gui", "gui_its_per_s": g, "cli_its_per_s": c,
                  "ratio": g / c, "latency_p50_ms": gui["latency_p50_ms"], "latency_p99_ms": gui["latency_p99_ms"],
                  "latency_max_ms": gui["latency_max_ms"], "peak_rss_mib": gui["peak_rss_mib"]}))
PY
