#!/usr/bin/env bash
# Many concurrent streams against a slow upstream: does the service hold them all without starving its
# thread pool, and what does each open stream cost in memory?
#
# Usage: bash build/bench/streams.sh [--api-dir DIR] [--streams 2000] [--first-byte-ms 5000] [--label TEXT]
#                                    [--timeout-s SECONDS] [--warmup-streams 50] [--skip-publish]
#                                    [--sdk-probe [--sdk-max-seconds 120]]
#   --api-dir        a published service (dotnet publish -c Release -o DIR src/Chatbot.Api); default: this
#                    checkout, published into build/bench/out/api
#   --streams        concurrent POST /question/stream, all started at once (default 2000)
#   --first-byte-ms  the fake upstream waits this long before the first byte of each answer (default 5000)
#   --label          names the build in the report (e.g. "before", "after")
#   --timeout-s      bound of the whole load (default: first byte + 60 s); streams still open then count as timeouts
#   --sdk-probe      afterwards also run build/bench/sdk-stream-probe.sh with the same N and first-byte delay
#                    and append its figures (the SDK's own stream call against HttpClient.SendAsync), each
#                    of its modes bounded by --sdk-max-seconds (default 120)
#   --skip-publish   reuse build/bench/out/* from an earlier run (BENCH_SKIP_PUBLISH=1)
# What runs, all on 127.0.0.1 on free ports, all stopped on exit:
#   the fake upstream (tests/Chatbot.FakeProvider --latency-ms FIRST_BYTE_MS: waits, then streams the answer
#   word by word); the service (LLM_PROVIDER=openai, LLM_BASE_URL=fake, LLM_API_KEY=bench, REQUEST_TIMEOUT=30,
#   REQUEST_LOGGING=false); build/bench/StreamLoad, which opens the N streams at once, reads each to its end
#   and meanwhile sends GET /health 10 times a second on a connection of its own; a sampler of the service's
#   /proc/PID/status (VmRSS, Threads), its thread-pool workers (threads named ".NET TP Worker") and its
#   connections (ss), 5 times a second.
# First a warm-up of --warmup-streams streams (also the check that streams end with data: [DONE]); then the
# resident memory "before"; then the N streams. RSS per stream = (peak RSS while all N are open - before) / N.
# Writes build/bench/results/streams-<UTC timestamp>.md (git-ignored; RESULTS_DIR overrides) and prints it.
set -euo pipefail
RESULTS_DIR="${RESULTS_DIR:-$(cd "$(dirname "$0")" && pwd)/results}"
# shellcheck source=build/bench/lib.sh
source "$(dirname "$0")/lib.sh"
install_cleanup_trap
ORIG_ARGS="$*"

STREAMS=2000 FIRST_BYTE_MS=5000 LABEL="" API_DIR_ARG="" TIMEOUT_S="" WARMUP_STREAMS=50 SDK_PROBE=0 SDK_MAX_SECONDS=120
while [ $# -gt 0 ]; do
  case "$1" in
    --api-dir) API_DIR_ARG="${2:?--api-dir needs a directory}"; shift ;;
    --streams) STREAMS="${2:?--streams needs a number}"; shift ;;
    --first-byte-ms) FIRST_BYTE_MS="${2:?--first-byte-ms needs a number}"; shift ;;
    --label) LABEL="${2:?--label needs a text}"; shift ;;
    --timeout-s) TIMEOUT_S="${2:?--timeout-s needs a number}"; shift ;;
    --warmup-streams) WARMUP_STREAMS="${2:?--warmup-streams needs a number}"; shift ;;
    --sdk-probe) SDK_PROBE=1 ;;
    --sdk-max-seconds) SDK_MAX_SECONDS="${2:?--sdk-max-seconds needs a number}"; shift ;;
    --skip-publish) export BENCH_SKIP_PUBLISH=1 ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
for n in "$STREAMS" "$FIRST_BYTE_MS" "$WARMUP_STREAMS" "$SDK_MAX_SECONDS" ${TIMEOUT_S:+"$TIMEOUT_S"}; do
  [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a whole number"
done
{ [ "$STREAMS" -ge 1 ] && [ "$STREAMS" -le 20000 ]; } || die "--streams must be 1..20000"
TIMEOUT_S="${TIMEOUT_S:-$((FIRST_BYTE_MS / 1000 + 60))}"
require_tool curl curl
require_tool ss iproute2
command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH (the .NET SDK of global.json is needed)"

# Every stream is a connection client -> service and one service -> upstream: 2 descriptors per stream in
# the service, 1 in the client and in the fake. Raise the limit for this shell and all it starts.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
FD_LIMIT="$(ulimit -n)"
[ "$FD_LIMIT" = unlimited ] || [ "$FD_LIMIT" -ge $((2 * STREAMS + 1000)) ] \
  || log "warning: ulimit -n is $FD_LIMIT, short of the $((2 * STREAMS + 1000)) descriptors $STREAMS streams need in the service"

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$BENCH_OUT/streams-$STAMP"
mkdir -p "$RUN" "$RESULTS_DIR"
REPORT="$RESULTS_DIR/streams-$STAMP.md"
LOAD_BEFORE="$(load_average)"

if [ -n "$API_DIR_ARG" ]; then
  API_DIR="$(cd "$API_DIR_ARG" && pwd)"
  [ -f "$API_DIR/Chatbot.Api.dll" ] || die "no Chatbot.Api.dll in $API_DIR"
  BUILD_NAME="$API_DIR"
else
  publish api src/Chatbot.Api
  API_DIR="$BENCH_OUT/api"
  BUILD_NAME="this checkout ($(git -C "$REPO_ROOT" rev-parse --short HEAD)$(git -C "$REPO_ROOT" diff --quiet HEAD -- src 2>/dev/null || echo ', with uncommitted changes in src/'))"
fi
export API_DIR
publish fake tests/Chatbot.FakeProvider
publish streamload build/bench/StreamLoad

# --- the fake upstream and the service -----------------------------------------------------------------
UPSTREAM_PORT="$(free_port)"
start_fake "$RUN/fake.log" "$UPSTREAM_PORT" --latency-ms "$FIRST_BYTE_MS" --stats
PORT="$(free_port)"
start_api "$RUN/api.log" "$PORT" "http://127.0.0.1:$UPSTREAM_PORT/v1" \
  LLM_API_KEY=bench REQUEST_TIMEOUT=30 REQUEST_LOGGING=false
wait_http "http://127.0.0.1:$PORT/health" "$API_PID" 30 || { tail -20 "$RUN/api.log" >&2; die "the service did not start"; }
log "service pid $API_PID on :$PORT, fake upstream pid $FAKE_PID on :$UPSTREAM_PORT (first byte after $FIRST_BYTE_MS ms)"

STREAM_URL="http://127.0.0.1:$PORT/question/stream"
HEALTH_URL="http://127.0.0.1:$PORT/health"
# result_field FILE KEY: the value of KEY=... in the RESULT line.
result_field() { awk -v k="$2" '/^RESULT / { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) { print substr($i, length(k) + 2); exit } } }' "$1"; }
run_load() { # N LOGFILE IDLE_PROBES: StreamLoad in the background (bounded twice: its own timeout, then timeout(1))
  start_bg "$2" timeout --kill-after=5 $((TIMEOUT_S + 30)) "${CLEAN_ENV[@]}" dotnet "$BENCH_OUT/streamload/StreamLoad.dll" \
    --url "$STREAM_URL" --health-url "$HEALTH_URL" --streams "$1" --timeout-s "$TIMEOUT_S" --idle-probes "$3"
  LOAD_PID=$BG_PID
}

# --- warm-up, which is also the check that a stream ends with [DONE] -------------------------------------
log "warm-up: $WARMUP_STREAMS streams"
run_load "$WARMUP_STREAMS" "$RUN/warmup.txt" 0
wait "$LOAD_PID" || true
stop_pid "$LOAD_PID"
[ "$(result_field "$RUN/warmup.txt" ok)" = "$WARMUP_STREAMS" ] \
  || { cat "$RUN/warmup.txt" >&2; tail -20 "$RUN/api.log" >&2; die "the warm-up streams did not all end with [DONE]"; }
sleep 2

# --- the N streams, with the sampler ---------------------------------------------------------------------
tp_workers() { cat "/proc/$1/task/"*/comm 2>/dev/null | grep -c '^\.NET TP Worker' || true; }
threads_of() { awk '/^Threads:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
established_to() { ss -Htn state established "( dport = :$1 )" 2>/dev/null | wc -l; }
# accept_queue PORT: connections waiting in that listener's accept queue (Recv-Q of the listening socket).
accept_queue() { ss -Hltn "( sport = :$1 )" 2>/dev/null | awk '{ q += $2 } END { print q + 0 }'; }
# The kernel's count of connections dropped because an accept queue was full (system-wide).
listen_overflows() {
  awk '/^TcpExt:/ { if (!h) { for (i = 1; i <= NF; i++) n[i] = $i; h = 1 } else { for (i = 1; i <= NF; i++) if (n[i] == "ListenOverflows") print $i } }' /proc/net/netstat 2>/dev/null || echo 0
}
backlog_of() { ss -Hltn "( sport = :$1 )" 2>/dev/null | awk '{ print $3; exit }'; }
RSS_BEFORE="$(rss_kb "$API_PID")" THREADS_BEFORE="$(threads_of "$API_PID")" TP_BEFORE="$(tp_workers "$API_PID")"
log "before: RSS $(kb_to_mb "$RSS_BEFORE") MB, $THREADS_BEFORE threads ($TP_BEFORE thread-pool workers); load average $(load_average)"

# One line every 200 ms while the load runs:
# "unix_ms rss_kb threads tp_workers upstream_conns client_conns load1 service_accept_queue upstream_accept_queue".
sampler() {
  local until_s=$(($(date +%s) + TIMEOUT_S + 40))
  while kill -0 "$1" 2>/dev/null && [ "$(date +%s)" -lt "$until_s" ]; do
    echo "$(date +%s%3N) $(rss_kb "$API_PID") $(threads_of "$API_PID") $(tp_workers "$API_PID") $(established_to "$UPSTREAM_PORT") $(established_to "$PORT") $(cut -d' ' -f1 /proc/loadavg) $(accept_queue "$PORT") $(accept_queue "$UPSTREAM_PORT")"
    sleep 0.2
  done
}
SERVICE_BACKLOG="$(backlog_of "$PORT")" UPSTREAM_BACKLOG="$(backlog_of "$UPSTREAM_PORT")"
OVERFLOWS_BEFORE="$(listen_overflows)"
log "load: $STREAMS streams at once (bounded by $TIMEOUT_S s)"
run_load "$STREAMS" "$RUN/load.txt" 20
sampler "$LOAD_PID" >"$RUN/samples.txt" &
SAMPLER_PID=$!
STARTED_PIDS+=("$SAMPLER_PID")
LOAD_RC=0
wait "$LOAD_PID" || LOAD_RC=$?
stop_pid "$LOAD_PID"
wait "$SAMPLER_PID" 2>/dev/null || true
stop_pid "$SAMPLER_PID"
OVERFLOWS="$(($(listen_overflows) - OVERFLOWS_BEFORE))"
grep -v -e '^RESULT' -e '^PHASE' "$RUN/load.txt" | tail -3 | sed 's/^/  /' >&2 || true
grep -q '^RESULT' "$RUN/load.txt" || { cat "$RUN/load.txt" >&2; die "the load client gave no result (exit $LOAD_RC)"; }
sleep 1
RSS_AFTER="$(rss_kb "$API_PID")"
API_ALIVE=yes; kill -0 "$API_PID" 2>/dev/null || API_ALIVE="no (it died)"
stop_pid "$API_PID"
stop_pid "$FAKE_PID"
LOAD_AFTER="$(load_average)"
UPSTREAM_CALLS="$(sed -n 's/.*chat_completions=\([0-9]*\).*/\1/p' "$RUN/fake.log" | tail -1)"
UPSTREAM_CANCELLED="$(sed -n 's/.*cancelled=\([0-9]*\).*/\1/p' "$RUN/fake.log" | tail -1)"

# --- figures ---------------------------------------------------------------------------------------------
S="$RUN/samples.txt"
phase() { awk -v p="$1" '$1 == "PHASE" && $2 == p { print $3; exit }' "$RUN/load.txt"; }
T_LAUNCH="$(phase launch)" T_DONE="$(phase "done")" T_HEADERS="$(phase first_headers)"
T_LAUNCH="${T_LAUNCH:-0}" T_DONE="${T_DONE:-9999999999999}"
# While every stream is open: from the launch to the first response headers (the upstream's first byte).
T_OPEN_END="${T_HEADERS:-$T_DONE}"
# The peak with all streams open: the highest RSS sampled in that window, with the threads and upstream
# connections of that sample.
read -r PEAK_RSS PEAK_THREADS PEAK_UPSTREAM PEAK_AT_MS < <(awk -v a="$T_LAUNCH" -v b="$T_OPEN_END" '
  $1 >= a && $1 <= b && $2 > m { m = $2; t = $3; u = $5; at = $1 - a } END { print m + 0, t + 0, u + 0, at + 0 }' "$S")
# Highest values over the whole load (sampling starts with the client process, ends with it).
read -r MAX_RSS MAX_THREADS MAX_TP MAX_UPSTREAM MAX_CLIENT MAX_LOAD1 MAX_SVC_Q MAX_UP_Q < <(awk '
  { if ($2 > r) r = $2; if ($3 > a) a = $3; if ($4 > b) b = $4; if ($5 > c) c = $5; if ($6 > d) d = $6; if ($7 > e) e = $7
    if ($8 > f) f = $8; if ($9 > g) g = $9 }
  END { print r + 0, a + 0, b + 0, c + 0, d + 0, e + 0, f + 0, g + 0 }' "$S")
WINDOW_SAMPLES="$(awk -v a="$T_LAUNCH" -v b="$T_OPEN_END" '$1 >= a && $1 <= b' "$S" | wc -l)"
PER_STREAM_KB="$(awk -v p="$PEAK_RSS" -v b="$RSS_BEFORE" -v n="$STREAMS" 'BEGIN { printf "%.1f", (p - b) / n }')"
R() { result_field "$RUN/load.txt" "$1"; }
OK="$(R ok)" FAILED="$(R failed)" ERRORS="$(R errors)"
secs() { awk -v ms="$1" 'BEGIN { if (ms == "n/a" || ms == "") print "n/a"; else printf "%.2f s", ms / 1000 }'; }
ms() { if [ "$1" = n/a ] || [ -z "$1" ]; then echo n/a; else echo "$1 ms"; fi; }
SAMPLES="$(wc -l <"$S")"

{
  echo "# Concurrent streams $STAMP${LABEL:+ — $LABEL}"
  echo
  echo "- command: \`bash build/bench/streams.sh${ORIG_ARGS:+ $ORIG_ARGS}\`"
  echo "- service: $BUILD_NAME; env LLM_PROVIDER=openai LLM_BASE_URL=http://127.0.0.1:$UPSTREAM_PORT/v1 LLM_API_KEY=bench REQUEST_TIMEOUT=30 REQUEST_LOGGING=false${BENCH_SERVICE_ENV:+ $BENCH_SERVICE_ENV}"
  echo "- upstream: tests/Chatbot.FakeProvider --latency-ms $FIRST_BYTE_MS (first byte after $FIRST_BYTE_MS ms, then the answer word by word); it counted $UPSTREAM_CALLS chat completions (warm-up included), $UPSTREAM_CANCELLED cancelled"
  echo "- machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), .NET runtime $(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }'); ulimit -n $FD_LIMIT; net.core.somaxconn $(cat /proc/sys/net/core/somaxconn 2>/dev/null || echo '?')"
  echo "- load average before: $LOAD_BEFORE; highest 1-min during the load: $MAX_LOAD1; after: $LOAD_AFTER"
  echo "- client: build/bench/StreamLoad ($STREAMS streams started at once, one connection each, every body read to its end; bound $TIMEOUT_S s); before it, $WARMUP_STREAMS warm-up streams"
  echo
  echo "| streams | completed with [DONE] | failed | errors by kind | all $STREAMS done after | started within | first byte p50 / p99 / max | stream p50 / p99 / max |"
  echo "|---:|---:|---:|---|---:|---:|---:|---:|"
  echo "| $STREAMS | $OK | $FAILED | $ERRORS | $(secs "$(R elapsed_ms)") | $(ms "$(R launch_ms)") | $(ms "$(R ttfb_p50)") / $(ms "$(R ttfb_p99)") / $(ms "$(R ttfb_max)") | $(ms "$(R total_p50)") / $(ms "$(R total_p99)") / $(ms "$(R total_max)") |"
  echo
  echo "| \`GET /health\` (10/s, own connection) | requests | errors | p50 | p99 | max |"
  echo "|---|---:|---:|---:|---:|---:|"
  echo "| at rest, before the streams | $(R health_idle_n) | $(R health_idle_errors) | $(ms "$(R health_idle_p50)") | $(ms "$(R health_idle_p99)") | $(ms "$(R health_idle_max)") |"
  echo "| while the streams run | $(R health_n) | $(R health_errors) | $(ms "$(R health_p50)") | $(ms "$(R health_p99)") | $(ms "$(R health_max)") |"
  echo
  echo "| the service | before | at peak (all open) | after |"
  echo "|---|---:|---:|---:|"
  echo "| resident memory (VmRSS) | $(kb_to_mb "$RSS_BEFORE") MB | $(kb_to_mb "$PEAK_RSS") MB ($(secs "$PEAK_AT_MS") after the launch, $PEAK_UPSTREAM upstream calls open); $(kb_to_mb "$MAX_RSS") MB at most over the run | $(kb_to_mb "$RSS_AFTER") MB |"
  echo "| RSS per open stream | | **$PER_STREAM_KB KB** ((peak − before) / $STREAMS) | |"
  echo "| threads (/proc Threads) | $THREADS_BEFORE | $PEAK_THREADS at the RSS peak, $MAX_THREADS at most | |"
  echo "| thread-pool workers (\".NET TP Worker\") | $TP_BEFORE | $MAX_TP at most | |"
  echo "| connections established to the upstream / from clients | | $MAX_UPSTREAM / $MAX_CLIENT at most | |"
  echo "| accept queue, service / upstream (listen backlog $SERVICE_BACKLOG / $UPSTREAM_BACKLOG) | | $MAX_SVC_Q / $MAX_UP_Q at most | |"
  echo "| connections the kernel dropped for a full accept queue (TcpExt ListenOverflows, system-wide) | | $OVERFLOWS during the load | |"
  echo "| alive at the end | | | $API_ALIVE |"
  echo
  echo "\"At peak\": the highest sample between the launch of the streams and the first response headers (the upstream's first byte), when every stream is open in the service ($WINDOW_SAMPLES of $SAMPLES samples, one every 200 ms: \`${S#"$REPO_ROOT"/}\`, unix_ms rss_kb threads tp_workers upstream_conns client_conns load1 service_accept_queue upstream_accept_queue). A dropped connection attempt is retried by the client's kernel after 1 s, then 3 s, ...: it shows as first-byte time above the upstream's own. Client output: \`${RUN#"$REPO_ROOT"/}/load.txt\`."
} >"$REPORT"

if [ "$SDK_PROBE" = 1 ]; then
  log "SDK stream probe (build/bench/sdk-stream-probe.sh --streams $STREAMS --first-byte-ms $FIRST_BYTE_MS --max-seconds $SDK_MAX_SECONDS)"
  if ! { echo; bash "$BENCH_DIR/sdk-stream-probe.sh" --streams "$STREAMS" --first-byte-ms "$FIRST_BYTE_MS" \
    --max-seconds "$SDK_MAX_SECONDS" --no-report | sed 's/^# /## /'; } >>"$REPORT"; then
    log "the SDK stream probe failed; the report has the service's figures only"
  fi
fi
cat "$REPORT"
log "report written to ${REPORT#"$REPO_ROOT"/}"
