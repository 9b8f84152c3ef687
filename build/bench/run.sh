#!/usr/bin/env bash
# The gateway's own cost, side by side in one run on this machine (docs/performance.md):
#   the upstream called directly | a bare minimal-API forwarder (build/bench/Baseline) | POST /question
#   through the service (Release), with each optional piece switched off in turn.
# Measures throughput at 32 connections, latency p50/p99 at 1 connection (and the service's added latency
# over the direct call), CPU time per request, resident memory after 50,000 and 100,000 requests, time from
# start to the first /health answer, and what one read of the process's memory costs (BenchmarkDotNet).
# Prints a Markdown report and writes it to results/bench-<UTC timestamp>.md.
#
# Usage: bash build/bench/run.sh [--skip-publish] [--short] [--no-memory-read-cost] [--upstream auto|fake|nginx]
#   --skip-publish         reuse build/bench/out/* from an earlier run (BENCH_SKIP_PUBLISH=1)
#   --short                short warm-ups, 5 s runs, 20,000 requests for the memory figure: a smoke test
#   --no-memory-read-cost  skip the BenchmarkDotNet part (about 40 s)
#   --upstream             the instant upstream: nginx `return 200` or the fake provider's --fast mode;
#                          auto (default) measures both and keeps the faster
# Warm-up: each target is loaded in 5 s windows until its rate stops rising (two windows in a row under 5%
#   above the best so far), at least BENCH_WARMUP_MIN=30 and at most BENCH_WARMUP_MAX=60 seconds (the direct
#   upstream: 5-15 s): on 2 cores under full load the JIT's background tiering is starved, and the service
#   stays on a plateau of unoptimised code for 10-20 s before it gets 2-3 times faster.
# Tunables (environment): BENCH_DURATION=10 (s at 32 connections), BENCH_LATENCY_DURATION=6 (s at 1
#   connection), BENCH_WARMUP_MIN/MAX, BENCH_MEMORY_REQUESTS=100000, BENCH_CONNECTIONS=32, BENCH_THREADS=2,
#   BENCH_OUT (build folder, default build/bench/out), RESULTS_DIR (default results/),
#   BENCH_SERVICE_ENV="VAR=VALUE ..." (added to every start of the service, e.g. DOTNET_gcServer=0).
# Needs: dotnet (SDK of global.json), wrk, curl; nginx optional. Run as root it installs wrk/nginx-light with
# apt-get when they are missing. Everything listens on 127.0.0.1 on free ports and is stopped on exit.
# Takes about 10 minutes on 2 cores, publishing included. Nothing asserts a time: it reports.
set -euo pipefail
# shellcheck source=build/bench/lib.sh
source "$(dirname "$0")/lib.sh"
install_cleanup_trap
ORIG_ARGS="$*"

MEMORY_READ_COST=1
UPSTREAM_CHOICE=auto
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-publish) export BENCH_SKIP_PUBLISH=1 ;;
    --short) BENCH_DURATION=5; BENCH_LATENCY_DURATION=5; BENCH_WARMUP_MIN=5; BENCH_WARMUP_MAX=10; BENCH_MEMORY_REQUESTS=20000 ;;
    --no-memory-read-cost) MEMORY_READ_COST=0 ;;
    --upstream) UPSTREAM_CHOICE="${2:?--upstream needs auto, fake or nginx}"; shift ;;
    --upstream=*) UPSTREAM_CHOICE="${1#*=}" ;;
    -h | --help) sed -n '2,24p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
DURATION="${BENCH_DURATION:-10}"
LATENCY_DURATION="${BENCH_LATENCY_DURATION:-6}"
WARMUP_MIN="${BENCH_WARMUP_MIN:-30}"
WARMUP_MAX="${BENCH_WARMUP_MAX:-60}"
MEMORY_REQUESTS="${BENCH_MEMORY_REQUESTS:-100000}"
CONNECTIONS="${BENCH_CONNECTIONS:-32}"
THREADS="${BENCH_THREADS:-2}"
HALF=$((MEMORY_REQUESTS / 2))

require_tool wrk wrk
require_tool curl curl
command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH (the .NET SDK of global.json is needed)"
if [ "$UPSTREAM_CHOICE" != fake ]; then
  # nginx is optional: without it the fake provider's --fast mode is the upstream.
  command -v nginx >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ] || PATH="$PATH:/usr/sbin"
  if ! command -v nginx >/dev/null 2>&1; then
    if [ "$UPSTREAM_CHOICE" = nginx ]; then require_tool nginx nginx-light; else
      (require_tool nginx nginx-light) 2>/dev/null || log "nginx not available: the fake provider is the upstream"
      [ -x /usr/sbin/nginx ] && PATH="$PATH:/usr/sbin"
    fi
  fi
fi

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$BENCH_OUT/run-$STAMP"
mkdir -p "$RUN" "$RESULTS_DIR"
REPORT="$RESULTS_DIR/bench-$STAMP.md"
STARTED_AT="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
LOAD_BEFORE="$(load_average)"
log "load average before: $LOAD_BEFORE (on $(nproc) cores; other work on the machine skews every figure)"

# --- builds --------------------------------------------------------------------------------------
publish api src/Chatbot.Api
publish fake tests/Chatbot.FakeProvider
publish baseline build/bench/Baseline
[ "$MEMORY_READ_COST" = 1 ] && publish memory-read-cost build/bench/MemoryReadCost

LUA_QUESTION="$BENCH_DIR/lua/post-question.lua"
LUA_COMPLETION="$BENCH_DIR/lua/post-completion.lua"

# --- the instant upstream ------------------------------------------------------------------------
quick_rps() { # URL LUA: requests/s at $CONNECTIONS connections over 5 s after 2 s of warm-up
  wrk -t"$THREADS" -c"$CONNECTIONS" -d2s -s "$2" "$1" >/dev/null 2>&1 || true
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s "$2" "$1" >"$RUN/upstream-probe.txt" 2>&1 || true
  wrk_rps "$RUN/upstream-probe.txt"
}

FAKE_PORT="$(free_port)"
UPSTREAM_PROBES=()
FAKE_PID="" NGINX_PID=""
if [ "$UPSTREAM_CHOICE" != nginx ]; then
  start_fake "$RUN/fake.log" "$FAKE_PORT" --fast
  FAKE_RPS="$(quick_rps "http://127.0.0.1:$FAKE_PORT/v1/chat/completions" "$LUA_COMPLETION")"
  UPSTREAM_PROBES+=("fake provider --fast: ${FAKE_RPS} req/s")
  log "upstream probe: fake provider --fast: $FAKE_RPS req/s"
fi
NGINX_PORT=""
if [ "$UPSTREAM_CHOICE" != fake ] && command -v nginx >/dev/null 2>&1; then
  NGINX_PORT="$(free_port)"
  if start_nginx "$RUN/nginx" "$NGINX_PORT"; then
    NGINX_RPS="$(quick_rps "http://127.0.0.1:$NGINX_PORT/v1/chat/completions" "$LUA_COMPLETION")"
    UPSTREAM_PROBES+=("nginx return 200: ${NGINX_RPS} req/s")
    log "upstream probe: nginx return 200: $NGINX_RPS req/s"
  else
    log "nginx did not start; the fake provider is the upstream"
    [ -n "$NGINX_PID" ] && stop_pid "$NGINX_PID"
    NGINX_PID="" NGINX_PORT=""
  fi
fi
if [ -n "$NGINX_PID" ] && { [ -z "$FAKE_PID" ] || awk -v a="${NGINX_RPS:-0}" -v b="${FAKE_RPS:-0}" 'BEGIN { exit !(a >= b) }'; }; then
  UPSTREAM_NAME="nginx \`return 200\` (1 process)"; UPSTREAM_PORT="$NGINX_PORT"; UPSTREAM_PID="$NGINX_PID"
  [ -n "$FAKE_PID" ] && stop_pid "$FAKE_PID"
else
  [ -n "$FAKE_PID" ] || die "no upstream could be started"
  UPSTREAM_NAME="fake provider \`--fast\`"; UPSTREAM_PORT="$FAKE_PORT"; UPSTREAM_PID="$FAKE_PID"
  [ -n "$NGINX_PID" ] && stop_pid "$NGINX_PID"
fi
UPSTREAM_BASE="http://127.0.0.1:$UPSTREAM_PORT/v1"
log "upstream: $UPSTREAM_NAME at $UPSTREAM_BASE"

# --- one measured target -------------------------------------------------------------------------
ROW_LABEL=() ROW_RPS=() ROW_ERRORS=() ROW_CPU=() ROW_P50=() ROW_P99=() ROW_WARMUP=()

# measure LABEL URL LUA PID [WARMUP_MIN WARMUP_MAX]: warm-up, throughput at $CONNECTIONS connections,
# latency at 1 connection.
measure() {
  local label="$1" slug rps errors cpu p50 p99 warmed
  slug="$(echo "$label" | tr -c 'A-Za-z0-9\n' '-' | tr 'A-Z' 'a-z')"
  log "measure: $label"
  read -r rps errors cpu p50 p99 warmed < <(measure_target "$2" "$3" "$4" "$RUN/$slug" "${5:-$WARMUP_MIN}" "${6:-$WARMUP_MAX}" "$DURATION" "$LATENCY_DURATION" "$CONNECTIONS" "$THREADS")
  ROW_LABEL+=("$label"); ROW_RPS+=("$rps"); ROW_ERRORS+=("$errors"); ROW_CPU+=("$cpu"); ROW_P50+=("$p50"); ROW_P99+=("$p99"); ROW_WARMUP+=("$warmed")
  log "  $rps req/s, errors $errors, CPU $cpu µs/request, p50 $p50 µs, p99 $p99 µs (after $warmed s of warm-up)"
}

# The upstream called directly: the floor of every latency figure.
measure "upstream, direct" "$UPSTREAM_BASE/chat/completions" "$LUA_COMPLETION" "$UPSTREAM_PID" 5 15

# The bare forwarder.
BASELINE_PORT="$(free_port)"
start_bg "$RUN/baseline.log" "${CLEAN_ENV[@]}" UPSTREAM_URL="$UPSTREAM_BASE/chat/completions" \
  dotnet "$BENCH_OUT/baseline/Baseline.dll" --urls "http://127.0.0.1:$BASELINE_PORT"
BASELINE_PID=$BG_PID
wait_http "http://127.0.0.1:$BASELINE_PORT/health" "$BASELINE_PID" 30 || { cat "$RUN/baseline.log" >&2; die "the baseline did not start"; }
curl -sf -X POST "http://127.0.0.1:$BASELINE_PORT/question" -H 'Content-Type: application/json' -d '{"text":"hi"}' \
  | grep -q '"text"' || die "the baseline does not answer POST /question"
measure "bare baseline (minimal API + HttpClient)" "http://127.0.0.1:$BASELINE_PORT/question" "$LUA_QUESTION" "$BASELINE_PID"
stop_pid "$BASELINE_PID"

# The service, all optional pieces on, then each switched off in turn, then all off.
CONFIG_LABELS=("service, all on" "service, PERFORMANCE_HEADERS=false" "service, REQUEST_LOGGING=false" "service, METRICS_ENABLED=false" "service, all off")
CONFIG_ENVS=(
  "PERFORMANCE_HEADERS=true REQUEST_LOGGING=true METRICS_ENABLED=true"
  "PERFORMANCE_HEADERS=false REQUEST_LOGGING=true METRICS_ENABLED=true"
  "PERFORMANCE_HEADERS=true REQUEST_LOGGING=false METRICS_ENABLED=true"
  "PERFORMANCE_HEADERS=true REQUEST_LOGGING=true METRICS_ENABLED=false"
  "PERFORMANCE_HEADERS=false REQUEST_LOGGING=false METRICS_ENABLED=false"
)
API_PORT="$(free_port)"
for i in "${!CONFIG_LABELS[@]}"; do
  # shellcheck disable=SC2086
  start_api "$RUN/api-$i.log" "$API_PORT" "$UPSTREAM_BASE" ${CONFIG_ENVS[$i]}
  wait_http "http://127.0.0.1:$API_PORT/health" "$API_PID" 30 || { cat "$RUN/api-$i.log" >&2; die "the service did not start (${CONFIG_LABELS[$i]})"; }
  answer="$(curl -s -X POST "http://127.0.0.1:$API_PORT/question" -H 'Content-Type: application/json' -d '{"text":"hi"}')"
  [ "$answer" = '{"text":"Fake answer."}' ] || die "the service answered '$answer' instead of the upstream's answer (${CONFIG_LABELS[$i]})"
  measure "${CONFIG_LABELS[$i]}" "http://127.0.0.1:$API_PORT/question" "$LUA_QUESTION" "$API_PID"
  stop_pid "$API_PID"
  # The request log of 300,000 requests is large; keep its start (the start-up lines).
  head -n 40 "$RUN/api-$i.log" >"$RUN/api-$i.head.log" && rm -f "$RUN/api-$i.log"
done

# --- resident memory after N requests (fresh processes) ---------------------------------------------
# memory_run LABEL URL PID: RSS after start, after N/2 and after N answers at $CONNECTIONS connections.
MEM_LABEL=() MEM_START=() MEM_HALF=() MEM_FULL=() MEM_ERRORS=() MEM_REQUESTS=()
memory_run() {
  local label="$1" url="$2" pid="$3" f="$RUN/memory-$4"
  log "memory: $label, $MEMORY_REQUESTS requests"
  local r0 r1 r2 n1 n2 e
  r0="$(rss_kb "$pid")"
  wrk_count "$THREADS" "$CONNECTIONS" "$HALF" 300 "$url" "$f-1.txt"
  r1="$(rss_kb "$pid")"
  wrk_count "$THREADS" "$CONNECTIONS" "$HALF" 300 "$url" "$f-2.txt"
  r2="$(rss_kb "$pid")"
  n1="$(wrk_requests "$f-1.txt")"; n2="$(wrk_requests "$f-2.txt")"
  e=$(($(wrk_errors "$f-1.txt") + $(wrk_errors "$f-2.txt")))
  MEM_LABEL+=("$label"); MEM_START+=("$r0"); MEM_HALF+=("$r1"); MEM_FULL+=("$r2"); MEM_ERRORS+=("$e")
  MEM_REQUESTS+=("$((n1 + n2))")
  log "  RSS $(kb_to_mb "$r0") MB at start, $(kb_to_mb "$r1") MB after $n1, $(kb_to_mb "$r2") MB after $((n1 + n2)); errors $e"
}

start_api "$RUN/api-memory.log" "$API_PORT" "$UPSTREAM_BASE" PERFORMANCE_HEADERS=true REQUEST_LOGGING=true METRICS_ENABLED=true
wait_http "http://127.0.0.1:$API_PORT/health" "$API_PID" 30 || die "the service did not start (memory run)"
memory_run "service, all on" "http://127.0.0.1:$API_PORT/question" "$API_PID" service
stop_pid "$API_PID"
head -n 40 "$RUN/api-memory.log" >"$RUN/api-memory.head.log" && rm -f "$RUN/api-memory.log"

start_bg "$RUN/baseline-memory.log" "${CLEAN_ENV[@]}" UPSTREAM_URL="$UPSTREAM_BASE/chat/completions" \
  dotnet "$BENCH_OUT/baseline/Baseline.dll" --urls "http://127.0.0.1:$BASELINE_PORT"
BASELINE_PID=$BG_PID
wait_http "http://127.0.0.1:$BASELINE_PORT/health" "$BASELINE_PID" 30 || die "the baseline did not start (memory run)"
memory_run "bare baseline" "http://127.0.0.1:$BASELINE_PORT/question" "$BASELINE_PID" baseline
stop_pid "$BASELINE_PID"

# --- start-up: process start to the first 200 from /health ------------------------------------------
STARTUP_MS=()
for run in 1 2 3; do
  start_api "$RUN/api-startup-$run.log" "$API_PORT" "$UPSTREAM_BASE"
  wait_http "http://127.0.0.1:$API_PORT/health" "$API_PID" 30 || die "the service did not start (start-up run $run)"
  STARTUP_MS+=("$((($(date +%s%N) - API_START_NS) / 1000000))")
  stop_pid "$API_PID"
done
log "start to first /health 200: ${STARTUP_MS[*]} ms"

stop_pid "$UPSTREAM_PID"
LOAD_AFTER="$(load_average)"

# --- what one memory read costs ---------------------------------------------------------------------
MEMORY_READ_TABLE=""
if [ "$MEMORY_READ_COST" = 1 ]; then
  log "memory read cost (BenchmarkDotNet, in process, ShortRun)"
  if (cd "$RUN" && "${CLEAN_ENV[@]}" dotnet "$BENCH_OUT/memory-read-cost/MemoryReadCost.dll" --artifacts "$RUN/bdn" >"$RUN/memory-read-cost.log" 2>&1); then
    MEMORY_READ_TABLE="$(grep -E '^\|' "$RUN/bdn/results/"*-report-github.md)"
  else
    MEMORY_READ_TABLE="(the BenchmarkDotNet run failed; see $RUN/memory-read-cost.log)"
  fi
fi

# --- the report -------------------------------------------------------------------------------------
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else print "n/a" }'; }
us() { awk -v v="$1" 'BEGIN { if (v == "") print "n/a"; else if (v >= 10000) printf "%.1f ms", v / 1000; else printf "%d µs", v }'; }
diff_us() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "") print "n/a"; else printf "%+d µs", a - b }'; }
median3() { printf '%s\n' "$@" | sort -n | sed -n 2p; }

DIRECT_P50="${ROW_P50[0]}" DIRECT_P99="${ROW_P99[0]}" BASE_RPS="${ROW_RPS[1]}"
SVC=2  # the row of "service, all on"
ADDED_P50=$((ROW_P50[SVC] - DIRECT_P50))
ADDED_P99=$((ROW_P99[SVC] - DIRECT_P99))
SHARE="$(awk -v a="${ROW_RPS[SVC]}" -v b="$BASE_RPS" 'BEGIN { printf "%.0f", 100 * a / b }')"
RSS_FULL_MB="$(kb_to_mb "${MEM_FULL[0]}")"
GROWTH_MB="$(awk -v a="${MEM_FULL[0]}" -v b="${MEM_HALF[0]}" 'BEGIN { printf "%+.1f", (a - b) / 1024 }')"
STARTUP_MEDIAN="$(median3 "${STARTUP_MS[@]}")"
verdict() { if [ "$1" = 1 ]; then echo "**met**"; else echo "**missed**"; fi; }
T_THROUGHPUT=$(awk -v s="$SHARE" -v e="${ROW_ERRORS[SVC]}" 'BEGIN { print (s >= 65 && e == 0) ? 1 : 0 }')
T_P50=$([ "$ADDED_P50" -le 100 ] && echo 1 || echo 0)
T_P99=$([ "$ADDED_P99" -le 1000 ] && echo 1 || echo 0)
T_RSS=$(awk -v r="$RSS_FULL_MB" -v g="$GROWTH_MB" -v e="${MEM_ERRORS[0]}" 'BEGIN { print (r <= 100 && g <= 5 && e == 0) ? 1 : 0 }')
T_READY=$([ "$STARTUP_MEDIAN" -le 1000 ] && echo 1 || echo 0)

{
  echo "# Benchmark $STAMP"
  echo
  echo "- date: $STARTED_AT; command: \`bash build/bench/run.sh${ORIG_ARGS:+ $ORIG_ARGS}\`"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), $(. /etc/os-release && echo "$PRETTY_NAME"), .NET SDK $(dotnet --version), runtime $(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }')"
  echo "- load average before: $LOAD_BEFORE; after: $LOAD_AFTER"
  echo "- upstream: $UPSTREAM_NAME ($(IFS=';'; echo "${UPSTREAM_PROBES[*]}" | sed 's/;/; /g') at $CONNECTIONS connections, 5 s)"
  echo "- load: wrk -t$THREADS -c$CONNECTIONS, warm-up until the rate stops rising (${WARMUP_MIN}-${WARMUP_MAX} s; direct upstream 5-15 s; column \"warm-up\"), then ${DURATION} s; latency wrk -t1 -c1 --latency, 2 s warm-up then ${LATENCY_DURATION} s"
  echo "- the service's console output (one request log line per request when on) goes to a file${BENCH_SERVICE_ENV:+; every start of the service also had: $BENCH_SERVICE_ENV}"
  echo
  echo "| target | warm-up | req/s @${CONNECTIONS}c | % of baseline | errors | CPU/request | p50 @1c | p99 @1c | added p50 | added p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for i in "${!ROW_LABEL[@]}"; do
    if [ "$i" = 0 ]; then share="—" add50="—" add99="—"; else
      share="$(pct "${ROW_RPS[$i]}" "$BASE_RPS")"; add50="$(diff_us "${ROW_P50[$i]}" "$DIRECT_P50")"; add99="$(diff_us "${ROW_P99[$i]}" "$DIRECT_P99")"
    fi
    printf '| %s | %s s | %.0f | %s | %s | %s µs | %s | %s | %s | %s |\n' "${ROW_LABEL[$i]}" "${ROW_WARMUP[$i]}" "${ROW_RPS[$i]}" "$share" "${ROW_ERRORS[$i]}" \
      "${ROW_CPU[$i]}" "$(us "${ROW_P50[$i]}")" "$(us "${ROW_P99[$i]}")" "$add50" "$add99"
  done
  echo
  echo "CPU/request: user + system CPU time of that process (the upstream's for the direct row) during the ${DURATION} s run, divided by its requests."
  echo "Added latency: p50/p99 at 1 connection minus the upstream's own, called directly."
  echo
  echo "| resident memory (VmRSS) | at start | after $HALF | after $MEMORY_REQUESTS | growth, second half | errors |"
  echo "|---|---:|---:|---:|---:|---:|"
  for i in "${!MEM_LABEL[@]}"; do
    printf '| %s | %s MB | %s MB | %s MB (%s answered) | %s MB | %s |\n' "${MEM_LABEL[$i]}" "$(kb_to_mb "${MEM_START[$i]}")" \
      "$(kb_to_mb "${MEM_HALF[$i]}")" "$(kb_to_mb "${MEM_FULL[$i]}")" "${MEM_REQUESTS[$i]}" \
      "$(awk -v a="${MEM_FULL[$i]}" -v b="${MEM_HALF[$i]}" 'BEGIN { printf "%+.1f", (a - b) / 1024 }')" "${MEM_ERRORS[$i]}"
  done
  echo
  echo "Start to first \`/health\` 200 (service, all on, 3 runs): ${STARTUP_MS[*]} ms"
  echo
  echo "| target (all features on) | measured | |"
  echo "|---|---|---|"
  echo "| ≥ 65% of the baseline's throughput at $CONNECTIONS connections, no errors | ${SHARE}% (${ROW_RPS[SVC]} vs $BASE_RPS req/s), ${ROW_ERRORS[SVC]} errors | $(verdict "$T_THROUGHPUT") |"
  echo "| added latency ≤ 100 µs at p50 (1 connection) | ${ADDED_P50} µs | $(verdict "$T_P50") |"
  echo "| added latency ≤ 1 ms at p99 (1 connection) | ${ADDED_P99} µs | $(verdict "$T_P99") |"
  echo "| ≤ 100 MB resident after $MEMORY_REQUESTS requests, flat 50%→100% (≤ 5 MB growth) | ${RSS_FULL_MB} MB, ${GROWTH_MB} MB | $(verdict "$T_RSS") |"
  echo "| ready within 1 s of start | ${STARTUP_MEDIAN} ms (median of 3) | $(verdict "$T_READY") |"
  if [ -n "$MEMORY_READ_TABLE" ]; then
    echo
    echo "One read of the process's memory (BenchmarkDotNet ShortRun, in process):"
    echo
    echo "$MEMORY_READ_TABLE"
  fi
  echo
  echo "Raw wrk outputs and logs: \`${RUN#"$REPO_ROOT"/}/\`"
} | tee "$REPORT"
log "report written to ${REPORT#"$REPO_ROOT"/}"
