#!/usr/bin/env bash
# Long-run check of issue 6: the explorer trains with every live plot for MINUTES minutes (default
# 30) and its resident memory is sampled every 10 s; prints the samples and the growth after the
# first WARM minutes (default 3), which must stay within 5%.
# usage: bench/soak.sh [MINUTES] [WARM]     needs the explorer built (offscreen, no display needed)
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EXPLORER="${EXPLORER:-$REPO_ROOT/build/app/explorer/eddpm-explorer}"
MINUTES="${1:-30}"
WARM="${2:-3}"
scratch="$(mktemp -d)"
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$scratch"' EXIT
XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}" \
  "$EXPLORER" --data moons --iters 100000000 --autostart >"$scratch/log" 2>&1 &
pid=$!
end=$((SECONDS + MINUTES * 60))
{
echo "seconds,rss_mib"
while ((SECONDS < end)); do
  sleep 10
  kill -0 "$pid" 2>/dev/null || { echo "the explorer exited early:" >&2; cat "$scratch/log" >&2; exit 1; }
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$pid/status")
  echo "$SECONDS,$((rss / 1024))"
done
} | tee "$scratch/rss.csv"
python3 - "$scratch/rss.csv" "$WARM" <<'PY'
import csv, sys
rows = [(int(r["seconds"]), int(r["rss_mib"])) for r in csv.DictReader(open(sys.argv[1]))]
warm = [rss for s, rss in rows if s >= int(sys.argv[2]) * 60]
base, peak, last = warm[0], max(warm), warm[-1]
print(f"after {sys.argv[2]} min: {base} MiB; peak {peak} MiB ({100 * (peak / base - 1):+.1f}%), "
      f"last {last} MiB ({100 * (last / base - 1):+.1f}%)")
PY
