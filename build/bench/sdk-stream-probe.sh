#!/usr/bin/env bash
# What the Betalgo.Ranul.OpenAI SDK's own stream call (OpenAIService.ChatCompletion.CreateCompletionAsStream,
# 9.2.6, which sends with the synchronous HttpClient.Send) does with many concurrent streams against a slow
# upstream, beside HttpClient.SendAsync + ResponseHeadersRead (the way the service calls its upstream), in
# the same setting: build/bench/SdkStreamProbe, one process per mode, each against a fresh fake upstream.
#
# Usage: bash build/bench/sdk-stream-probe.sh [--streams 2000] [--first-byte-ms 5000] [--max-seconds 120]
#                                             [--with-min-threads] [--skip-publish] [--no-report]
#   --streams           concurrent streams, each started with Task.Run (as a server runs a request), all at once
#   --first-byte-ms     the fake upstream waits this long before the first byte of each answer
#   --max-seconds       bound of each mode's run: streams still running then are cancelled and the figures
#                       are those of that moment (the SDK path may need many minutes to drain)
#   --with-min-threads  also the SDK with ThreadPool.SetMinThreads(N): what it takes to make it work
#   --no-report         print the Markdown only (streams.sh --sdk-probe appends it to its own report)
# Meanwhile a dedicated thread queues a Task.Run and a Task.Delay(1) every 100 ms; each records how long it
# waited for a pool thread (the starvation symptom); those that never ran count with the time they waited.
# Writes build/bench/results/sdk-stream-probe-<UTC timestamp>.md (git-ignored; RESULTS_DIR overrides).
set -euo pipefail
RESULTS_DIR="${RESULTS_DIR:-$(cd "$(dirname "$0")" && pwd)/results}"
# shellcheck source=build/bench/lib.sh
source "$(dirname "$0")/lib.sh"
install_cleanup_trap
ORIG_ARGS="$*"

STREAMS=2000 FIRST_BYTE_MS=5000 MAX_SECONDS=120 WITH_MIN_THREADS=0 WRITE_REPORT=1
while [ $# -gt 0 ]; do
  case "$1" in
    --streams) STREAMS="${2:?--streams needs a number}"; shift ;;
    --first-byte-ms) FIRST_BYTE_MS="${2:?--first-byte-ms needs a number}"; shift ;;
    --max-seconds) MAX_SECONDS="${2:?--max-seconds needs a number}"; shift ;;
    --with-min-threads) WITH_MIN_THREADS=1 ;;
    --skip-publish) export BENCH_SKIP_PUBLISH=1 ;;
    --no-report) WRITE_REPORT=0 ;;
    -h | --help) sed -n '2,19p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
for n in "$STREAMS" "$FIRST_BYTE_MS" "$MAX_SECONDS"; do [[ "$n" =~ ^[0-9]+$ ]] || die "'$n' is not a whole number"; done
{ [ "$STREAMS" -ge 1 ] && [ "$STREAMS" -le 20000 ]; } || die "--streams must be 1..20000"
command -v dotnet >/dev/null 2>&1 || die "dotnet is not on PATH (the .NET SDK of global.json is needed)"
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$BENCH_OUT/sdk-stream-probe-$STAMP"
mkdir -p "$RUN" "$RESULTS_DIR"
LOAD_BEFORE="$(load_average)"
publish fake tests/Chatbot.FakeProvider
publish sdk-stream-probe build/bench/SdkStreamProbe

# run_mode NAME ARGS...: a fresh fake upstream, the probe in one mode, the fake's count of calls.
MODES=()
run_mode() {
  local name="$1"; shift
  local port
  port="$(free_port)"
  start_fake "$RUN/fake-$name.log" "$port" --latency-ms "$FIRST_BYTE_MS" --stats
  log "mode $name: $STREAMS streams, first byte after $FIRST_BYTE_MS ms, bound $MAX_SECONDS s (load average $(load_average))"
  start_bg "$RUN/$name.txt" timeout --kill-after=5 $((MAX_SECONDS + 40)) "${CLEAN_ENV[@]}" \
    dotnet "$BENCH_OUT/sdk-stream-probe/SdkStreamProbe.dll" --base "http://127.0.0.1:$port/" --streams "$STREAMS" \
    --max-seconds "$MAX_SECONDS" "$@"
  local pid=$BG_PID
  wait "$pid" || true
  stop_pid "$pid"
  load_average >"$RUN/$name.load"
  stop_pid "$FAKE_PID"
  grep -q '^RESULT' "$RUN/$name.txt" || { tail -20 "$RUN/$name.txt" >&2; die "the probe gave no result in mode $name"; }
  grep '^RESULT' "$RUN/$name.txt" | sed 's/^/  /' >&2
  MODES+=("$name")
}
run_mode async --mode async
run_mode sdk --mode sdk
[ "$WITH_MIN_THREADS" = 0 ] || run_mode sdk-min-threads --mode sdk --min-threads "$STREAMS"
LOAD_AFTER="$(load_average)"

# --- the report ------------------------------------------------------------------------------------------
field() { awk -v k="$2" '/^RESULT / { for (i = 2; i <= NF; i++) { split($i, kv, "="); if (kv[1] == k) { print substr($i, length(k) + 2); exit } } }' "$RUN/$1.txt"; }
upstream_calls() { sed -n 's/.*chat_completions=\([0-9]*\).*cancelled=\([0-9]*\).*/\1 received, \2 cancelled/p' "$RUN/fake-$1.log" | tail -1; }
label() {
  case "$1" in
    async) echo "HttpClient.SendAsync + ResponseHeadersRead (the service's way)" ;;
    sdk) echo "SDK CreateCompletionAsStream (HttpClient.Send)" ;;
    sdk-min-threads) echo "SDK, ThreadPool.SetMinThreads($STREAMS)" ;;
  esac
}
lower() { # VALUE CENSORED: "≥ VALUE" when some probes never ran (their waits are lower bounds)
  if [ "${2:-0}" -gt 0 ]; then echo "≥ $1 ms"; else echo "$1 ms"; fi
}
report() {
  echo "# SDK stream call against SendAsync, $STREAMS concurrent streams $STAMP"
  echo
  echo "- command: \`bash build/bench/sdk-stream-probe.sh${ORIG_ARGS:+ $ORIG_ARGS}\`; Betalgo.Ranul.OpenAI 9.2.6; .NET runtime $(dotnet --list-runtimes | awk '/NETCore.App/ { v = $2 } END { print v }'); $(nproc) cores"
  echo "- upstream: tests/Chatbot.FakeProvider --latency-ms $FIRST_BYTE_MS (first byte after $FIRST_BYTE_MS ms), a fresh one per mode; each mode bounded at $MAX_SECONDS s, figures as of then"
  echo "- load average before: $LOAD_BEFORE; after each mode: $(for m in "${MODES[@]}"; do printf '%s %s; ' "$m" "$(cat "$RUN/$m.load")"; done)at the end: $LOAD_AFTER"
  echo "- each stream: Task.Run(() => one streamed chat completion read to [DONE]), all $STREAMS queued at once; the probe: every 100 ms a Task.Run and a Task.Delay(1) continuation, each timing its wait for a pool thread"
  echo
  echo "| mode | completed | started (entered the call) | got a first chunk | failed | not started | all done after | completion p50 / p99 / max | upstream calls | pool threads max | RSS max |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local m done_after
  for m in "${MODES[@]}"; do
    if [ "$(field "$m" all_done)" = yes ]; then done_after="$(awk -v ms="$(field "$m" elapsed_ms)" 'BEGIN { printf "%.1f s", ms / 1000 }')"; else done_after="not within $MAX_SECONDS s"; fi
    echo "| $(label "$m") | $(field "$m" ok) | $(field "$m" started) | $(field "$m" first_chunk) | $(field "$m" failed) ($(field "$m" errors)) | $(field "$m" not_started) | $done_after | $(field "$m" done_p50) / $(field "$m" done_p99) / $(field "$m" done_max) ms | $(upstream_calls "$m") | $(field "$m" threads_max) | $(field "$m" rss_max_mb) MB |"
  done
  echo
  echo "| mode | probes | Task.Run wait p50 / p99 / max | never ran | Task.Delay(1) continuation p50 / p99 / max | never ran | at rest: Task.Run p99, Delay(1) p99 |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for m in "${MODES[@]}"; do
    local rc dc
    rc="$(field "$m" taskrun_censored)" dc="$(field "$m" delay1_censored)"
    echo "| $(label "$m") | $(field "$m" probes) | $(field "$m" taskrun_p50) / $(field "$m" taskrun_p99) / $(lower "$(field "$m" taskrun_max)" "$rc") | $rc | $(field "$m" delay1_p50) / $(field "$m" delay1_p99) / $(lower "$(field "$m" delay1_max)" "$dc") | $dc | $(field "$m" taskrun_rest_p99) ms, $(field "$m" delay1_rest_p99) ms |"
  done
  echo
  echo "A probe that never ran counts with the time it had waited when the run ended (so its figures are lower bounds, marked ≥)."
  echo
  echo "Over time (seconds after the launch: started / first chunk / completed / pool threads / queued work items):"
  echo
  echo "| s | $(for m in "${MODES[@]}"; do printf '%s | ' "$m"; done)"
  echo "|---:|$(for _ in "${MODES[@]}"; do printf -- '---|'; done)"
  local s
  for s in 1 2 3 5 7 10 15 20 30 45 60 90 120 180 240 300; do
    [ "$s" -le "$MAX_SECONDS" ] || break
    local row="| $s |"
    for m in "${MODES[@]}"; do
      row+=" $(awk -v s="$s" '$1 == "TICK" && $2 + 0 >= s - 0.5 { printf "%s / %s / %s / %s / %s", $3, $4, $5, $7, $8; found = 1; exit } END { if (!found) printf "(ended)" }' "$RUN/$m.txt") |"
    done
    echo "$row"
  done
  echo
  echo "Raw output: \`${RUN#"$REPO_ROOT"/}/\`"
}
if [ "$WRITE_REPORT" = 1 ]; then
  REPORT="$RESULTS_DIR/sdk-stream-probe-$STAMP.md"
  report | tee "$REPORT"
  log "report written to ${REPORT#"$REPO_ROOT"/}"
else
  report
fi
