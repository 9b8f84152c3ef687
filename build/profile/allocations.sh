#!/usr/bin/env bash
# Managed allocations (and CPU time) per request under load.
#   1. dotnet-counters for N seconds: System.Runtime's dotnet.gc.heap.total_allocated (exact, from
#      GC.GetTotalAllocatedBytes), dotnet.gc.collections and dotnet.process.cpu.time, with ASP.NET Core's
#      request counter in the same one-second intervals: bytes, CPU time and GCs per request;
#   2. dotnet-trace with the gc-verbose profile for N/2 seconds: sampled allocations (one event per
#      ~100 KB) by type, module, method and stack (build/profile/TraceSummary).
# Usage: bash build/profile/allocations.sh --start [VAR=VALUE...] [--duration 20] [--connections 32]
#        bash build/profile/allocations.sh <pid> [--url http://127.0.0.1:8000/question] [--duration 20]
# Writes results/profile-allocations-<UTC timestamp>/ and prints summary.md.
set -euo pipefail
USAGE="Usage: bash build/profile/allocations.sh --start [VAR=VALUE...] | <pid> [--url URL]  [--duration N] [--connections C] [--out DIR]"
# shellcheck source=build/profile/common.sh
source "$(dirname "$0")/common.sh"

profile_warm_up

COUNTERS='System.Runtime[dotnet.gc.heap.total_allocated,dotnet.gc.collections,dotnet.process.cpu.time],EventCounters\Microsoft.AspNetCore.Hosting[requests-per-second,total-requests]'
log "dotnet-counters: ${DURATION} s under load (pid $TARGET_PID)"
start_counters "$COUNTERS"
load "$DURATION" "$OUT/load-counters.txt"
wait "$COUNTERS_PID" || true
wait_load

# Per one-second interval: allocated bytes, CPU seconds, GCs and requests; summed over the intervals
# that served requests.
awk -F, '
  /dotnet.gc.heap.total_allocated/ { alloc[$1] += $NF }
  /dotnet.process.cpu.time/ { cpu[$1] += $NF }
  /dotnet.gc.collections.*gen0/ { gen0[$1] += $NF }
  /dotnet.gc.collections.*gen1/ { gen1[$1] += $NF }
  /dotnet.gc.collections.*gen2/ { gen2[$1] += $NF }
  /Request Rate/ { req[$1] += $NF }
  END {
    for (t in req) if (req[t] > 0) { R += req[t]; A += alloc[t]; C += cpu[t]; G0 += gen0[t]; G1 += gen1[t]; G2 += gen2[t]; n++ }
    if (R == 0) { print "no requests were counted"; exit }
    printf "intervals: %d s with traffic, %d requests (%.0f req/s)\n", n, R, R / n
    printf "allocated: %.0f bytes per request (%.1f MB/s)\n", A / R, A / n / 1048576
    printf "CPU time: %.0f µs per request (%.2f cores busy)\n", C * 1e6 / R, C / n
    printf "GCs: gen0 %.2f, gen1 %.2f, gen2 %.2f per 1,000 requests\n", G0 * 1000 / R, G1 * 1000 / R, G2 * 1000 / R
  }' "$OUT/counters.csv" >"$OUT/per-request.txt"

HALF_DURATION=$(((DURATION + 1) / 2))
log "dotnet-trace gc-verbose: ${HALF_DURATION} s of allocation samples under load"
load $((HALF_DURATION + 3)) "$OUT/load-trace.txt"
sleep 1
tool dotnet-trace collect -p "$TARGET_PID" --profile gc-verbose --duration "$(printf '00:00:%02d:%02d' $((HALF_DURATION / 60)) $((HALF_DURATION % 60)))" \
  -o "$OUT/allocations.nettrace" >"$OUT/dotnet-trace.log" 2>&1 || { cat "$OUT/dotnet-trace.log" >&2; die "dotnet-trace failed"; }
wait_load
TRACE_REQUESTS="$(awk -v r="$(wrk_rps "$OUT/load-trace.txt")" -v d="$HALF_DURATION" 'BEGIN { printf "%.0f", r * d }')"
publish trace-summary build/profile/TraceSummary
"${CLEAN_ENV[@]}" dotnet "$BENCH_OUT/trace-summary/TraceSummary.dll" "$OUT/allocations.nettrace" "$TRACE_REQUESTS" 25 >"$OUT/allocations-by-type-and-stack.txt" 2>&1 || true

{
  echo "# Allocations per request, pid $TARGET_PID, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- load average: $(load_average); ${CONNECTIONS} connections; ${START_ENV[*]:-defaults}"
  echo
  echo '```'
  cat "$OUT/per-request.txt"
  echo '```'
  echo
  echo "Sampled allocations (gc-verbose, ~${TRACE_REQUESTS} requests at $(wrk_rps "$OUT/load-trace.txt") req/s; tracing slows the service):"
  echo '```'
  sed -n '1,/by method/p' "$OUT/allocations-by-type-and-stack.txt" | head -70
  echo '```'
  echo
  echo "Files: ${OUT#"$REPO_ROOT"/}/"
} | tee "$OUT/summary.md"
