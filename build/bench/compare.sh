#!/usr/bin/env bash
# A/B comparison of service builds or settings against the bare baseline, interleaved in rounds so that
# other work on the machine hits every variant alike: what one change buys, measured.
#
# Usage: bash build/bench/compare.sh [--rounds 3] [--duration 10] [--latency-duration 5]
#                                    [--question-script post-question.lua] [--portkey] VARIANT...
#   VARIANT  'LABEL|API_DIR|VAR=VALUE VAR=VALUE[|v1]'
#            API_DIR: a published service (dotnet publish -c Release -o DIR src/Chatbot.Api); empty means
#            this checkout's, published into build/bench/out/api. Settings are optional. A last field 'v1'
#            measures POST /v1/chat/completions (lua/post-v1-chat.lua: one user message) instead of /question.
#   --question-script  a wrk script in build/bench/lua: post-question.lua (one question, the default) or
#            post-question-unique.lua (a new question each request: an answer cache never hits).
#   --portkey  also Portkey's gateway 1.15.2 (npm @portkey-ai/gateway, installed with npm into
#            build/bench/out/portkey; node, --headless, made to listen on 127.0.0.1 only by
#            build/bench/portkey/loopback.cjs) in every round: POST /v1/chat/completions with
#            x-portkey-provider: openai and x-portkey-custom-host: the same upstream (lua/post-portkey-completion.lua).
#            Its row is in the same table; it answers the upstream's completion as is, not {"text": ...}.
# Example:
#   bash build/bench/compare.sh 'as is||' 'workstation GC||DOTNET_gcServer=0' 'logging off||REQUEST_LOGGING=false'
# Each round: the upstream's latency directly, then the baseline, every variant and Portkey (fresh process each):
# warm-up until the rate stops rising (30-60 s), throughput at 32 connections, latency at 1 connection,
# resident memory at the end.
# Prints medians over the rounds as a Markdown table and writes results/compare-<UTC timestamp>.md.
set -euo pipefail
# shellcheck source=build/bench/lib.sh
source "$(dirname "$0")/lib.sh"
install_cleanup_trap
ORIG_ARGS="$*"

ROUNDS=3 DURATION=10 LATENCY_DURATION=5 WARMUP_MIN=30 WARMUP_MAX=60 CONNECTIONS=32 THREADS=2
VARIANTS=()
QUESTION_SCRIPT=post-question.lua
PORTKEY=0 PORTKEY_VERSION=1.15.2
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS="$2"; shift ;;
    --duration) DURATION="$2"; shift ;;
    --latency-duration) LATENCY_DURATION="$2"; shift ;;
    --question-script) QUESTION_SCRIPT="$2"; shift ;;
    --portkey) PORTKEY=1 ;;
    -h | --help) sed -n '2,22p' "$0"; exit 0 ;;
    *'|'*) VARIANTS+=("$1") ;;
    *) die "unknown argument '$1' (a variant is 'LABEL|API_DIR|VAR=VALUE ...')" ;;
  esac
  shift
done
[ "${#VARIANTS[@]}" -gt 0 ] || die "name at least one variant, e.g. 'as is||'"
require_tool wrk wrk
require_tool curl curl
[ "$PORTKEY" = 0 ] || { require_tool node nodejs; require_tool npm npm; }

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$BENCH_OUT/compare-$STAMP"
mkdir -p "$RUN" "$RESULTS_DIR"
REPORT="$RESULTS_DIR/compare-$STAMP.md"
LOAD_BEFORE="$(load_average)"

NEED_OWN_API=0
for v in "${VARIANTS[@]}"; do
  IFS='|' read -r _ dir _ <<<"$v"
  [ -n "$dir" ] || NEED_OWN_API=1
  [ -z "$dir" ] || [ -f "$dir/Chatbot.Api.dll" ] || die "no Chatbot.Api.dll in $dir"
done
[ "$NEED_OWN_API" = 0 ] || publish api src/Chatbot.Api
publish baseline build/bench/Baseline
PORTKEY_DIR="$BENCH_OUT/portkey"
PORTKEY_MAIN="$PORTKEY_DIR/node_modules/@portkey-ai/gateway/build/start-server.js"
if [ "$PORTKEY" = 1 ]; then
  installed="$(node -p "require('$PORTKEY_DIR/node_modules/@portkey-ai/gateway/package.json').version" 2>/dev/null || true)"
  if [ "$installed" != "$PORTKEY_VERSION" ]; then
    log "npm install @portkey-ai/gateway@$PORTKEY_VERSION -> ${PORTKEY_DIR#"$REPO_ROOT"/}"
    mkdir -p "$PORTKEY_DIR"
    npm install --prefix "$PORTKEY_DIR" --no-audit --no-fund "@portkey-ai/gateway@$PORTKEY_VERSION" >"$BENCH_OUT/npm-portkey.log" 2>&1 \
      || { tail -20 "$BENCH_OUT/npm-portkey.log" >&2; die "could not install @portkey-ai/gateway@$PORTKEY_VERSION"; }
  fi
  [ -f "$PORTKEY_MAIN" ] || die "no $PORTKEY_MAIN after the install"
fi
command -v nginx >/dev/null 2>&1 || [ ! -x /usr/sbin/nginx ] || PATH="$PATH:/usr/sbin"

UPSTREAM_PORT="$(free_port)"
if command -v nginx >/dev/null 2>&1 && start_nginx "$RUN/nginx" "$UPSTREAM_PORT"; then
  UPSTREAM_NAME="nginx return 200"; UPSTREAM_PID=$NGINX_PID
else
  publish fake tests/Chatbot.FakeProvider
  start_fake "$RUN/fake.log" "$UPSTREAM_PORT" --fast
  UPSTREAM_NAME="fake provider --fast"; UPSTREAM_PID=$FAKE_PID
fi
UPSTREAM_BASE="http://127.0.0.1:$UPSTREAM_PORT/v1"
LUA_QUESTION="$BENCH_DIR/lua/$QUESTION_SCRIPT"
[ -f "$LUA_QUESTION" ] || die "no wrk script $LUA_QUESTION"
LUA_COMPLETION="$BENCH_DIR/lua/post-completion.lua"
LUA_PORTKEY="$BENCH_DIR/lua/post-portkey-completion.lua"
# Read by lua/post-portkey-completion.lua: where Portkey forwards to.
export PORTKEY_CUSTOM_HOST="$UPSTREAM_BASE"
PORT="$(free_port)"

# start_portkey LOGFILE: Portkey's gateway on $PORT (127.0.0.1 only), in an empty working directory; checks
# that it forwards to the upstream (the answer is the upstream's completion). Sets PORTKEY_PID.
start_portkey() {
  mkdir -p "$BENCH_OUT/cwd"
  start_bg "$1" env -i -C "$BENCH_OUT/cwd" "${CLEAN_ENV[@]:2}" \
    node --require "$BENCH_DIR/portkey/loopback.cjs" "$PORTKEY_MAIN" --headless --port="$PORT"
  PORTKEY_PID=$BG_PID
  wait_http "http://127.0.0.1:$PORT/" "$PORTKEY_PID" 30 || { tail -5 "$1" >&2; die "Portkey did not start"; }
  local answer
  answer="$(curl -s --max-time 5 -X POST "http://127.0.0.1:$PORT/v1/chat/completions" -H 'Content-Type: application/json' \
    -H 'Authorization: Bearer x' -H 'x-portkey-provider: openai' -H "x-portkey-custom-host: $PORTKEY_CUSTOM_HOST" \
    -d '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0.7}')" || true
  case "$answer" in
    *'"Fake answer."'*) ;;
    *) die "Portkey answered '$answer' instead of the upstream's completion" ;;
  esac
}

# Results: one line per (round, target): "target rps errors cpu p50 p99 warmup_s rss_kb".
DATA="$RUN/data.txt"
: >"$DATA"
for ((round = 1; round <= ROUNDS; round++)); do
  log "round $round of $ROUNDS (load average $(load_average))"
  wrk -t1 -c1 -d2s -s "$LUA_COMPLETION" "$UPSTREAM_BASE/chat/completions" >/dev/null 2>&1
  wrk -t1 -c1 -d"${LATENCY_DURATION}s" --latency -s "$LUA_COMPLETION" "$UPSTREAM_BASE/chat/completions" >"$RUN/direct-$round.txt" 2>&1
  echo "direct 0 0 0 $(wrk_percentile "$RUN/direct-$round.txt" 50) $(wrk_percentile "$RUN/direct-$round.txt" 99) 0 0" >>"$DATA"

  start_bg "$RUN/baseline-$round.log" "${CLEAN_ENV[@]}" UPSTREAM_URL="$UPSTREAM_BASE/chat/completions" \
    dotnet "$BENCH_OUT/baseline/Baseline.dll" --urls "http://127.0.0.1:$PORT"
  pid=$BG_PID
  wait_http "http://127.0.0.1:$PORT/health" "$pid" 30 || die "the baseline did not start"
  echo "baseline $(measure_target "http://127.0.0.1:$PORT/question" "$LUA_QUESTION" "$pid" "$RUN/baseline-$round" "$WARMUP_MIN" "$WARMUP_MAX" "$DURATION" "$LATENCY_DURATION" "$CONNECTIONS" "$THREADS") $(rss_kb "$pid")" >>"$DATA"
  stop_pid "$pid"

  for i in "${!VARIANTS[@]}"; do
    IFS='|' read -r label dir settings target <<<"${VARIANTS[$i]}"
    path=/question lua="$LUA_QUESTION"
    [ "$target" = v1 ] && path=/v1/chat/completions lua="$BENCH_DIR/lua/post-v1-chat.lua"
    # shellcheck disable=SC2086
    API_DIR="${dir:-$BENCH_OUT/api}" start_api "$RUN/v$i-$round.log" "$PORT" "$UPSTREAM_BASE" $settings
    wait_http "http://127.0.0.1:$PORT/health" "$API_PID" 30 || { tail -5 "$RUN/v$i-$round.log" >&2; die "variant '$label' did not start"; }
    echo "v$i $(measure_target "http://127.0.0.1:$PORT$path" "$lua" "$API_PID" "$RUN/v$i-$round" "$WARMUP_MIN" "$WARMUP_MAX" "$DURATION" "$LATENCY_DURATION" "$CONNECTIONS" "$THREADS") $(rss_kb "$API_PID")" >>"$DATA"
    stop_pid "$API_PID"
    rm -f "$RUN/v$i-$round.log"
  done
  if [ "$PORTKEY" = 1 ]; then
    start_portkey "$RUN/portkey-$round.log"
    echo "portkey $(measure_target "http://127.0.0.1:$PORT/v1/chat/completions" "$LUA_PORTKEY" "$PORTKEY_PID" "$RUN/portkey-$round" "$WARMUP_MIN" "$WARMUP_MAX" "$DURATION" "$LATENCY_DURATION" "$CONNECTIONS" "$THREADS") $(rss_kb "$PORTKEY_PID")" >>"$DATA"
    stop_pid "$PORTKEY_PID"
  fi
  tail -n $((${#VARIANTS[@]} + 2 + PORTKEY)) "$DATA" | sed 's/^/  /' >&2
done
stop_pid "$UPSTREAM_PID"

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print ""; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
col() { awk -v t="$1" -v c="$2" '$1 == t { print $c }' "$DATA"; }
# The share of the baseline, per round, then the median of those.
share() {
  paste <(col "$1" 2) <(col baseline 2) | awk '{ if ($2 > 0) print 100 * $1 / $2 }' | median
}
DIRECT_P50="$(col direct 5 | median)" DIRECT_P99="$(col direct 6 | median)"
{
  echo "# Comparison $STAMP"
  echo
  echo "- command: \`bash build/bench/compare.sh $ORIG_ARGS\`"
  echo "- $(nproc) cores; load average before: $LOAD_BEFORE, after: $(load_average); upstream: $UPSTREAM_NAME (p50 ${DIRECT_P50} µs, p99 ${DIRECT_P99} µs at 1 connection)"
  echo "- request: \`build/bench/lua/$QUESTION_SCRIPT\`"
  echo "- $ROUNDS rounds, interleaved; each: warm-up until steady (${WARMUP_MIN}-${WARMUP_MAX} s), ${DURATION} s at $CONNECTIONS connections, ${LATENCY_DURATION} s at 1 connection; medians over the rounds"
  echo
  echo "| variant | settings | req/s @${CONNECTIONS}c | % of baseline | CPU/request | added p50 @1c | added p99 @1c | RSS after | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  row() { # TARGET LABEL SETTINGS
    printf '| %s | %s | %.0f | %.0f%% | %.0f µs | %+.0f µs | %+.0f µs | %.1f MB | %d |\n' "$2" "${3:-—}" \
      "$(col "$1" 2 | median)" "$(share "$1")" "$(col "$1" 4 | median)" \
      "$(awk -v a="$(col "$1" 5 | median)" -v b="$DIRECT_P50" 'BEGIN { print a - b }')" \
      "$(awk -v a="$(col "$1" 6 | median)" -v b="$DIRECT_P99" 'BEGIN { print a - b }')" \
      "$(awk -v k="$(col "$1" 8 | median)" 'BEGIN { print k / 1024 }')" "$(col "$1" 3 | awk '{ s += $1 } END { print s + 0 }')"
  }
  row baseline "bare baseline" ""
  for i in "${!VARIANTS[@]}"; do
    IFS='|' read -r label dir settings target <<<"${VARIANTS[$i]}"
    row "v$i" "$label${dir:+ ($dir)}${target:+, POST /v1/chat/completions}" "$settings"
  done
  [ "$PORTKEY" = 0 ] || row portkey "Portkey $PORTKEY_VERSION (node $(node --version), POST /v1/chat/completions)" "--headless; x-portkey-provider: openai, x-portkey-custom-host: the upstream"
  echo
  echo "Per round (target, req/s, errors, CPU µs/request, p50 µs, p99 µs, warm-up s, RSS kB): \`${DATA#"$REPO_ROOT"/}\`"
} | tee "$REPORT"
log "report written to ${REPORT#"$REPO_ROOT"/}"
