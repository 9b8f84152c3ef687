#!/usr/bin/env bash
# The service's memory under load: resident set (VmRSS) every second, dotnet-counters (GC heap sizes,
# committed memory, working set, GC counts and pause time), then a GC heap dump (dotnet-gcdump) of what
# is live after the load, with its largest types.
# Usage: bash build/profile/memory.sh --start [VAR=VALUE...] [--duration 20] [--connections 32]
#        bash build/profile/memory.sh <pid> [--url http://127.0.0.1:8000/question] [--duration 20]
# Writes results/profile-memory-<UTC timestamp>/ and prints summary.md.
set -euo pipefail
USAGE="Usage: bash build/profile/memory.sh --start [VAR=VALUE...] | <pid> [--url URL]  [--duration N] [--connections C] [--out DIR]"
# shellcheck source=build/profile/common.sh
source "$(dirname "$0")/common.sh"

RSS_BEFORE="$(rss_kb "$TARGET_PID")"
profile_warm_up

COUNTERS='System.Runtime[dotnet.process.memory.working_set,dotnet.gc.last_collection.memory.committed_size,dotnet.gc.last_collection.heap.size,dotnet.gc.collections,dotnet.gc.pause.time,dotnet.gc.heap.total_allocated]'
log "dotnet-counters and VmRSS: ${DURATION} s under load (pid $TARGET_PID)"
start_counters "$COUNTERS"
load "$DURATION" "$OUT/load.txt"
echo "second,vmrss_kb" >"$OUT/rss.csv"
for ((s = 0; s < DURATION; s++)); do
  echo "$s,$(rss_kb "$TARGET_PID")" >>"$OUT/rss.csv"
  sleep 1
done
wait "$COUNTERS_PID" || true
wait_load
RSS_AFTER="$(rss_kb "$TARGET_PID")"

log "dotnet-gcdump: live heap after the load"
tool dotnet-gcdump collect -p "$TARGET_PID" -o "$OUT/heap.gcdump" >"$OUT/dotnet-gcdump.log" 2>&1 || log "dotnet-gcdump failed (see $OUT/dotnet-gcdump.log)"
[ -f "$OUT/heap.gcdump" ] && tool dotnet-gcdump report "$OUT/heap.gcdump" >"$OUT/gcdump-report.txt" 2>&1 || true

last() { grep -F "$1" "$OUT/counters.csv" | tail -1 | awk -F, '{ printf "%.1f MB", $NF / 1048576 }'; }
{
  echo "# Memory profile, pid $TARGET_PID, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- load average: $(load_average); ${CONNECTIONS} connections; ${START_ENV[*]:-defaults}; $(wrk_rps "$OUT/load.txt") req/s"
  echo "- VmRSS: $(kb_to_mb "$RSS_BEFORE") MB before the warm-up, $(awk -F, 'NR > 1 { if (min == "" || $2 < min) min = $2; if ($2 > max) max = $2 } END { printf "%.1f-%.1f MB", min / 1024, max / 1024 }' "$OUT/rss.csv") during the load, $(kb_to_mb "$RSS_AFTER") MB after"
  echo "- at the end of the load: working set $(last 'dotnet.process.memory.working_set'), GC committed $(last 'dotnet.gc.last_collection.memory.committed_size'), gen0 $(last 'heap.size (By)[gc.heap.generation=gen0]'), gen1 $(last 'heap.size (By)[gc.heap.generation=gen1]'), gen2 $(last 'heap.size (By)[gc.heap.generation=gen2]'), LOH $(last 'heap.size (By)[gc.heap.generation=loh]'), POH $(last 'heap.size (By)[gc.heap.generation=poh]')"
  awk -F, '/dotnet.gc.collections.*gen0/ { g0 += $NF } /dotnet.gc.collections.*gen1/ { g1 += $NF } /dotnet.gc.collections.*gen2/ { g2 += $NF }
           /dotnet.gc.pause.time/ { p += $NF; n++ }
           END { printf "- GCs during the capture: gen0 %d, gen1 %d, gen2 %d; GC pause %.1f%% of the time\n", g0, g1, g2, (n ? 100 * p / n : 0) }' "$OUT/counters.csv"
  echo
  echo "Live heap after the load (dotnet-gcdump report, largest types):"
  echo '```'
  head -30 "$OUT/gcdump-report.txt" 2>/dev/null
  echo '```'
  echo
  echo "Files: ${OUT#"$REPO_ROOT"/}/"
} | tee "$OUT/summary.md"
