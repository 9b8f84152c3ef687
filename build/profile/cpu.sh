#!/usr/bin/env bash
# Where the service's CPU goes under load.
#   1. dotnet-trace (EventPipe thread samples, ~100 Hz per thread) for N seconds under wrk load:
#      cpu.nettrace (open it in PerfView, Visual Studio or speedscope: `dotnet-trace convert --format
#      Speedscope`), the top methods (`dotnet-trace report topN`, exclusive and inclusive) and the samples
#      that were running managed code by method and module (build/profile/TraceSummary);
#   2. with Linux perf (apt-get install -y linux-perf) for another N seconds: real on-CPU samples of the
#      whole process, kernel and runtime included, by shared object and by symbol (JIT-compiled methods are
#      named through /tmp/perf-PID.map, which the service writes when started with DOTNET_PerfMapEnabled=1,
#      and perf finds them only with DOTNET_EnableWriteXorExecute=0 (else the code runs from a double-mapped
#      memfd perf cannot name); --start sets both), summed by assembly.
#   Note: EventPipe's sampler suspends the runtime ~100 times a second, so the service runs slower while
#   dotnet-trace samples, and threads show as parked in PollGC; perf's figures are the undisturbed ones.
# Usage: bash build/profile/cpu.sh --start [VAR=VALUE...] [--duration 20] [--connections 32]
#        bash build/profile/cpu.sh <pid> [--url http://127.0.0.1:8000/question] [--duration 20]
# Writes results/profile-cpu-<UTC timestamp>/ and prints summary.md.
set -euo pipefail
USAGE="Usage: bash build/profile/cpu.sh --start [VAR=VALUE...] | <pid> [--url URL]  [--duration N] [--connections C] [--out DIR]"
PROFILE_ENV=(DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0)
# shellcheck source=build/profile/common.sh
source "$(dirname "$0")/common.sh"

profile_warm_up

log "dotnet-trace: ${DURATION} s of thread samples under load (pid $TARGET_PID)"
load $((DURATION + 4)) "$OUT/load-trace.txt"
sleep 1
tool dotnet-trace collect -p "$TARGET_PID" --profile dotnet-sampled-thread-time --duration "$(duration_arg)" \
  -o "$OUT/cpu.nettrace" >"$OUT/dotnet-trace.log" 2>&1 || { cat "$OUT/dotnet-trace.log" >&2; die "dotnet-trace failed"; }
wait_load
tool dotnet-trace report "$OUT/cpu.nettrace" topN -n 30 >"$OUT/topN-exclusive.txt" 2>&1 || true
tool dotnet-trace report "$OUT/cpu.nettrace" topN -n 40 --inclusive >"$OUT/topN-inclusive.txt" 2>&1 || true
publish trace-summary build/profile/TraceSummary
"${CLEAN_ENV[@]}" dotnet "$BENCH_OUT/trace-summary/TraceSummary.dll" "$OUT/cpu.nettrace" 0 30 >"$OUT/managed-samples.txt" 2>&1 || true

PERF_DONE=0
if command -v perf >/dev/null 2>&1; then
  log "perf: ${DURATION} s of on-CPU samples (999 Hz) under load"
  load $((DURATION + 3)) "$OUT/load-perf.txt"
  sleep 1
  if perf record -F 999 -g -p "$TARGET_PID" -o "$OUT/perf.data" -- sleep "$DURATION" >"$OUT/perf-record.log" 2>&1; then
    PERF_DONE=1
    perf report -i "$OUT/perf.data" --stdio --no-children --sort dso -g none >"$OUT/perf-by-dso.txt" 2>/dev/null || true
    perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit 0.4 >"$OUT/perf-by-symbol.txt" 2>/dev/null || true
    perf report -i "$OUT/perf.data" --stdio --no-children --sort comm -g none >"$OUT/perf-by-thread.txt" 2>/dev/null || true
    # By assembly: JIT-compiled symbols read "[Assembly] Namespace.Type::Method"; the rest by shared object.
    perf report -i "$OUT/perf.data" --stdio --no-children --sort dso,sym -g none --percent-limit 0 2>/dev/null \
      | awk -f "$(dirname "$0")/perf-by-assembly.awk" | sort -rn >"$OUT/perf-by-assembly.txt" || true
  else
    log "perf record failed (see $OUT/perf-record.log): perf_event_paranoid or a container may forbid it"
  fi
  wait_load
else
  log "perf is not installed (apt-get install -y linux-perf): skipping the on-CPU part"
fi
[ -f "/tmp/perf-$TARGET_PID.map" ] || [ "$PERF_DONE" = 0 ] || log "no /tmp/perf-$TARGET_PID.map: JIT-compiled methods show as addresses (start the service with DOTNET_PerfMapEnabled=1)"

{
  echo "# CPU profile, pid $TARGET_PID, $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo
  echo "- load average: $(load_average); ${CONNECTIONS} connections; ${START_ENV[*]:-defaults}"
  [ -f "$OUT/load-trace.txt" ] && echo "- during dotnet-trace: $(wrk_rps "$OUT/load-trace.txt") req/s"
  [ -f "$OUT/load-perf.txt" ] && echo "- during perf: $(wrk_rps "$OUT/load-perf.txt") req/s"
  echo
  echo "## dotnet-trace report topN (exclusive)"
  echo '```'
  sed -n '1,40p' "$OUT/topN-exclusive.txt"
  echo '```'
  echo
  echo "## managed samples by module (TraceSummary)"
  echo '```'
  sed -n '/by module/,/^$/p' "$OUT/managed-samples.txt" | head -25
  echo '```'
  if [ "$PERF_DONE" = 1 ]; then
    echo
    echo "## perf: on-CPU samples by assembly (JIT-compiled code) or shared object"
    echo '```'
    head -30 "$OUT/perf-by-assembly.txt"
    echo '```'
    echo
    echo "## perf: top symbols"
    echo '```'
    grep -E '^ +[0-9]' "$OUT/perf-by-symbol.txt" | head -40
    echo '```'
  fi
  echo
  echo "Files: ${OUT#"$REPO_ROOT"/}/"
} | tee "$OUT/summary.md"
