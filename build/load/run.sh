#!/usr/bin/env bash
# Load tests of the Chatbot API (the original service's scenarios), all on 127.0.0.1, all bounded in time.
#
# Usage: bash build/load/run.sh quick|heavy|stress|scale|soak [--target URL] [--engine locust|wrk]
#                                [--users N] [--duration SECONDS]
#   quick   Locust, 10 users for 30 s    } the locustfile's mix (ChatbotUser + RapidUser) against the fake
#   heavy   Locust, 50 users for 2 min   } provider answering in 1-3 s (--latency-min-ms 1000
#   stress  Locust, 100 users for 5 min  } --latency-max-ms 3000); CSV + HTML reports
#   scale   1,000 concurrent clients, each with one question in flight, against a fixed 2 s upstream
#           (--latency-ms 2000): expect about 500 answers/s and no errors. Locust's ScaleUser (no wait), 200
#           new users/s, for 60 s; the rate is taken over the second half. --engine wrk runs wrk -c1000
#           instead (a cross-check with a cheaper load generator)
#   soak    wrk, 256 connections for 60 s, upstream failing 10% of calls with 500 and 5% with 429
#           (LLM_MAX_ATTEMPTS=3, LLM_RETRY_BASE_DELAY=0.05, LLM_RETRY_MAX_DELAY=0.2): checks no 500 from the
#           service, upstream calls <= 3 x requests (the fake's --stats), resident memory flat
#   --target URL   load a service that is already running (e.g. http://127.0.0.1:8000) instead of
#                  publishing and starting the fake provider and the API; upstream checks are then skipped
#
# The service and the fake provider are published in Release into build/bench/out/ (BENCH_SKIP_PUBLISH=1
# reuses them). Reports go to results/load-<scenario>-<UTC timestamp>* (.md summary, Locust's
# _stats.csv/_stats_history.csv/_failures.csv/_exceptions.csv and .html, or wrk's output). Exits non-zero
# when a check fails.
set -euo pipefail
# shellcheck source=build/bench/lib.sh
source "$(dirname "$0")/../bench/lib.sh"
install_cleanup_trap
LOAD_DIR="$REPO_ROOT/build/load"
ORIG_ARGS="$*"

SCENARIO="${1:-}"
[ $# -gt 0 ] && shift
TARGET="" ENGINE="" USERS="" DURATION=""
while [ $# -gt 0 ]; do
  case "$1" in
    --target) TARGET="${2:?--target needs a URL}"; shift ;;
    --engine) ENGINE="${2:?--engine needs locust or wrk}"; shift ;;
    --users) USERS="${2:?--users needs a number}"; shift ;;
    --duration) DURATION="${2:?--duration needs seconds}"; shift ;;
    -h | --help) sed -n '2,27p' "$0"; exit 0 ;;
    *) die "unknown option '$1' (see --help)" ;;
  esac
  shift
done
case "$TARGET" in "" | http://127.* | http://localhost* | http://\[::1\]*) ;; *) die "--target must be a loopback address (127.0.0.1, localhost, [::1])" ;; esac
TARGET="${TARGET%/}"

case "$SCENARIO" in
  quick) USERS="${USERS:-10}"; DURATION="${DURATION:-30}"; SPAWN=10; ENGINE="${ENGINE:-locust}" ;;
  heavy) USERS="${USERS:-50}"; DURATION="${DURATION:-120}"; SPAWN=10; ENGINE="${ENGINE:-locust}" ;;
  stress) USERS="${USERS:-100}"; DURATION="${DURATION:-300}"; SPAWN=20; ENGINE="${ENGINE:-locust}" ;;
  scale) USERS="${USERS:-1000}"; DURATION="${DURATION:-60}"; SPAWN=200; ENGINE="${ENGINE:-locust}" ;;
  soak) USERS="${USERS:-256}"; DURATION="${DURATION:-60}"; ENGINE=wrk ;;
  *) die "name a scenario: quick, heavy, stress, scale or soak (see --help)" ;;
esac
case "$ENGINE" in locust) require_tool locust python3-locust ;; wrk) require_tool wrk wrk ;; *) die "--engine is locust or wrk" ;; esac
require_tool curl curl
# 1,000 clients need 1,000 sockets here, 2,000 in the service and 1,000 in the fake.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
PREFIX="$RESULTS_DIR/load-$SCENARIO-$STAMP"
WORK="$BENCH_OUT/load-$SCENARIO-$STAMP"
mkdir -p "$RESULTS_DIR" "$WORK"
SUMMARY="$PREFIX.md"
CHECKS_FAILED=0
check() { # NAME OK(1/0) DETAIL
  if [ "$2" = 1 ]; then echo "| $1 | $3 | pass |"; else echo "| $1 | $3 | **FAIL** |"; CHECKS_FAILED=1; fi
}

# --- the system under test -------------------------------------------------------------------------
API_PID="" FAKE_PID="" FAKE_LOG="$WORK/fake.log"
if [ -z "$TARGET" ]; then
  publish api src/Chatbot.Api
  publish fake tests/Chatbot.FakeProvider
  FAKE_PORT="$(free_port)"
  API_ENV=()
  case "$SCENARIO" in
    quick | heavy | stress) FAKE_ARGS=(--latency-min-ms 1000 --latency-max-ms 3000) ;;
    scale) FAKE_ARGS=(--fast --latency-ms 2000) ;;
    soak)
      FAKE_ARGS=(--fast --fail-500 0.10 --fail-429 0.05 --stats)
      API_ENV=(LLM_MAX_ATTEMPTS=3 LLM_RETRY_BASE_DELAY=0.05 LLM_RETRY_MAX_DELAY=0.2)
      ;;
  esac
  start_fake "$FAKE_LOG" "$FAKE_PORT" "${FAKE_ARGS[@]}"
  API_PORT="$(free_port)"
  start_api "$WORK/api.log" "$API_PORT" "http://127.0.0.1:$FAKE_PORT/v1" ${API_ENV[@]+"${API_ENV[@]}"}
  wait_http "http://127.0.0.1:$API_PORT/health" "$API_PID" 30 || { tail -20 "$WORK/api.log" >&2; die "the service did not start"; }
  TARGET="http://127.0.0.1:$API_PORT"
  log "service pid $API_PID at $TARGET; fake provider pid $FAKE_PID (${FAKE_ARGS[*]})${API_ENV[*]:+; ${API_ENV[*]}}"
else
  curl -sf -o /dev/null --max-time 5 "$TARGET/health" || die "$TARGET/health does not answer 200"
  FAKE_ARGS=("(not started: --target)")
fi

# Resident memory of the service, once a second, while the load runs (bounded: duration + 60 s).
RSS_FILE="$WORK/rss.csv"
sample_rss() {
  [ -n "$API_PID" ] || return 0
  (
    echo "second,vmrss_kb" >"$RSS_FILE"
    for ((s = 0; s <= DURATION + 60; s++)); do
      kill -0 "$API_PID" 2>/dev/null || break
      echo "$s,$(rss_kb "$API_PID")" >>"$RSS_FILE"
      sleep 1
    done
  ) &
  RSS_PID=$!
  STARTED_PIDS+=("$RSS_PID")
}
rss_at() { # SECOND: VmRSS (MB) sampled at that second, or the last sample before it
  [ -f "$RSS_FILE" ] || { echo "n/a"; return; }
  awk -F, -v s="$1" 'NR > 1 && $1 <= s { v = $2 } END { if (v == "") print "n/a"; else printf "%.1f", v / 1024 }' "$RSS_FILE"
}
metrics_question_count() { # POST /question answered so far, from the service's /metrics when it has one
  curl -sf --max-time 5 "$TARGET/metrics" 2>/dev/null \
    | awk '/^http_server_request_duration_seconds_count\{/ && /http_route="question"/ { n += $NF } END { if (n > 0) printf "%d", n }' || true
}

LOAD_BEFORE="$(load_average)"
START_TIME="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
sample_rss
log "$SCENARIO: $USERS ${ENGINE} users/connections for ${DURATION} s against $TARGET (load average $LOAD_BEFORE)"

# --- Locust ------------------------------------------------------------------------------------------
run_locust() { # USER CLASSES...
  local rc=0
  (cd "$WORK" && locust -f "$LOAD_DIR/locustfile.py" --headless -u "$USERS" -r "$SPAWN" -t "${DURATION}s" \
    --host "$TARGET" --csv "$PREFIX" --csv-full-history --html "$PREFIX.html" --only-summary \
    --stop-timeout 10 "$@") >"$PREFIX-locust.log" 2>&1 || rc=$?
  LOCUST_RC=$rc
  tail -40 "$PREFIX-locust.log" >&2
}
# Locust's aggregated row: requests, failures, req/s, p50/p95/p99 (ms); and answers/s in the steady state.
locust_figures() {
  python3 - "$PREFIX" "$DURATION" <<'EOF'
import csv, sys
prefix, duration = sys.argv[1], int(sys.argv[2])
rows = {r["Name"]: r for r in csv.DictReader(open(prefix + "_stats.csv"))}
agg = rows.get("Aggregated", {})
history = [r for r in csv.DictReader(open(prefix + "_stats_history.csv")) if r["Name"] == "Aggregated"]
# Steady state: the last half of the run (after the ramp-up), from the cumulative counts.
steady = ""
if len(history) > 4:
    first = history[len(history) // 2]
    last = history[-1]
    dt = int(last["Timestamp"]) - int(first["Timestamp"])
    if dt > 0:
        steady = "%.0f" % ((int(last["Total Request Count"]) - int(first["Total Request Count"])) / dt)
print(agg.get("Request Count", "0"), agg.get("Failure Count", "0"), "%.1f" % float(agg.get("Requests/s", 0) or 0),
      agg.get("50%", "n/a"), agg.get("95%", "n/a"), agg.get("99%", "n/a"), steady or "n/a")
EOF
}

{
  echo "# Load test: $SCENARIO, $STAMP"
  echo
  echo "- date: $START_TIME; command: \`bash build/load/run.sh $ORIG_ARGS\`"
  echo "- machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load average before: $LOAD_BEFORE"
  echo "- target: $TARGET; upstream: fake provider ${FAKE_ARGS[*]}${API_ENV[*]:+; service: ${API_ENV[*]}}"
} >"$SUMMARY"

case "$SCENARIO" in
  quick | heavy | stress | scale)
    if [ "$ENGINE" = locust ]; then
      if [ "$SCENARIO" = scale ]; then run_locust ScaleUser; else run_locust ChatbotUser RapidUser; fi
      read -r REQUESTS FAILURES RPS P50 P95 P99 STEADY < <(locust_figures)
      CPU_WARNING="$(grep -c 'CPU usage above' "$PREFIX-locust.log" || true)"
      {
        echo "- load: Locust, $USERS users (spawn rate $SPAWN/s), ${DURATION} s; reports: \`${PREFIX#"$REPO_ROOT"/}_stats.csv\`, \`.html\`"
        echo
        echo "| requests | failures | req/s (whole run) | req/s (second half) | p50 | p95 | p99 | service RSS start → end |"
        echo "|---:|---:|---:|---:|---:|---:|---:|---|"
        echo "| $REQUESTS | $FAILURES | $RPS | $STEADY | $P50 ms | $P95 ms | $P99 ms | $(rss_at 0) → $(rss_at "$DURATION") MB |"
        echo
        [ "$CPU_WARNING" -gt 0 ] && echo "Locust warned that its CPU was above 90% ($CPU_WARNING times): the load generator, not the service, may set the rate." && echo
        echo "Per request type (from \`_stats.csv\`):"
        echo
        echo '```'
        cut -d, -f2-4,10,12,17,19 "${PREFIX}_stats.csv" | column -t -s,
        echo '```'
        echo
        echo "| check | measured | |"
        echo "|---|---|---|"
        check "no failed request (Locust)" "$([ "$FAILURES" = 0 ] && echo 1 || echo 0)" "$FAILURES failures of $REQUESTS"
        if [ "$SCENARIO" = scale ]; then
          check "about 500 answers/s with $USERS users and a 2 s upstream (≥ 450)" \
            "$(awk -v s="${STEADY/n\/a/0}" 'BEGIN { print (s >= 450) ? 1 : 0 }')" "$STEADY answers/s in the second half"
        fi
      } >>"$SUMMARY"
    else
      # wrk: one connection = one client with one question in flight.
      wrk -t2 -c"$USERS" -d"${DURATION}s" --timeout 30s --latency -s "$BENCH_DIR/lua/post-question-count.lua" "$TARGET/question" \
        >"$PREFIX-wrk.txt" 2>&1 || true
      cat "$PREFIX-wrk.txt" >&2
      REQUESTS="$(wrk_requests "$PREFIX-wrk.txt")"; RPS="$(wrk_rps "$PREFIX-wrk.txt")"; ERRORS="$(wrk_errors "$PREFIX-wrk.txt")"
      STATUSES="$(grep '^statuses:' "$PREFIX-wrk.txt" | cut -d' ' -f2- || true)"
      {
        echo "- load: wrk -t2 -c$USERS -d${DURATION}s --timeout 30s (each connection keeps one question in flight); output: \`${PREFIX#"$REPO_ROOT"/}-wrk.txt\`"
        echo
        echo "| answers | answers/s | statuses | errors (non-2xx + socket) | p50 | p99 | service RSS start → end |"
        echo "|---:|---:|---|---:|---:|---:|---|"
        echo "| $REQUESTS | $RPS | $STATUSES | $ERRORS | $(awk '$1 == "50%" { print $2 }' "$PREFIX-wrk.txt") | $(awk '$1 == "99%" { print $2 }' "$PREFIX-wrk.txt") | $(rss_at 0) → $(rss_at "$DURATION") MB |"
        echo
        echo "| check | measured | |"
        echo "|---|---|---|"
        check "no errors" "$([ "$ERRORS" = 0 ] && echo 1 || echo 0)" "$ERRORS"
        if [ "$SCENARIO" = scale ]; then
          check "about 500 answers/s with $USERS connections and a 2 s upstream (≥ 450)" \
            "$(awk -v s="$RPS" 'BEGIN { print (s >= 450) ? 1 : 0 }')" "$RPS answers/s"
        fi
      } >>"$SUMMARY"
    fi
    ;;
  soak)
    wrk -t2 -c"$USERS" -d"${DURATION}s" --timeout 30s --latency -s "$BENCH_DIR/lua/post-question-count.lua" "$TARGET/question" \
      >"$PREFIX-wrk.txt" 2>&1 || true
    cat "$PREFIX-wrk.txt" >&2
    sleep 2 # let the service finish what wrk left in flight before counting the upstream's calls
    REQUESTS="$(wrk_requests "$PREFIX-wrk.txt")"; RPS="$(wrk_rps "$PREFIX-wrk.txt")"
    STATUSES="$(grep '^statuses:' "$PREFIX-wrk.txt" | cut -d' ' -f2- || true)"
    COUNT_500="$(echo " $STATUSES" | grep -o ' 500=[0-9]*' | cut -d= -f2 || true)"; COUNT_500="${COUNT_500:-0}"
    SOCKET_ERRORS="$(awk '/Socket errors:/ { gsub(",", ""); print $4 + $6 + $8 + $10 }' "$PREFIX-wrk.txt")"; SOCKET_ERRORS="${SOCKET_ERRORS:-0}"
    SERVED="$(metrics_question_count)"
    SERVED_SOURCE="the service's /metrics (POST /question)"
    if [ -z "$SERVED" ]; then
      # Without /metrics: wrk's answers plus what may still have been in flight when it stopped.
      SERVED=$((REQUESTS + USERS)); SERVED_SOURCE="wrk's answers + $USERS in flight (no /metrics)"
    fi
    RSS_MID="$(rss_at $((DURATION / 2)))" RSS_END="$(rss_at "$DURATION")" RSS_START="$(rss_at 1)"
    UPSTREAM_CALLS="" STATS_LINE=""
    if [ -n "$FAKE_PID" ]; then
      stop_pid "$API_PID"
      stop_pid "$FAKE_PID" # prints its --stats line on SIGTERM
      STATS_LINE="$(grep 'Fake provider stats' "$FAKE_LOG" || true)"
      UPSTREAM_CALLS="$(echo "$STATS_LINE" | grep -o 'chat_completions=[0-9]*' | cut -d= -f2 || true)"
    fi
    {
      echo "- load: wrk -t2 -c$USERS -d${DURATION}s --timeout 30s with a status tally (build/bench/lua/post-question-count.lua); output: \`${PREFIX#"$REPO_ROOT"/}-wrk.txt\`"
      [ -n "$STATS_LINE" ] && echo "- fake provider on exit: \`$STATS_LINE\`"
      echo
      echo "| answers | answers/s | statuses | socket errors | p50 | p99 | POST /question served | upstream calls | RSS at 1 s / $((DURATION / 2)) s / $DURATION s |"
      echo "|---:|---:|---|---:|---:|---:|---:|---:|---|"
      echo "| $REQUESTS | $RPS | $STATUSES | $SOCKET_ERRORS | $(awk '$1 == "50%" { print $2 }' "$PREFIX-wrk.txt") | $(awk '$1 == "99%" { print $2 }' "$PREFIX-wrk.txt") | $SERVED | ${UPSTREAM_CALLS:-n/a} | $RSS_START / $RSS_MID / $RSS_END MB |"
      echo
      echo "| check | measured | |"
      echo "|---|---|---|"
      check "no 500 from the service" "$([ "$COUNT_500" = 0 ] && echo 1 || echo 0)" "$COUNT_500 answers with 500"
      check "no socket errors" "$([ "$SOCKET_ERRORS" = 0 ] && echo 1 || echo 0)" "$SOCKET_ERRORS"
      if [ -n "$UPSTREAM_CALLS" ]; then
        check "upstream calls ≤ LLM_MAX_ATTEMPTS (3) × requests" "$([ "$UPSTREAM_CALLS" -le $((3 * SERVED)) ] && echo 1 || echo 0)" \
          "$UPSTREAM_CALLS ≤ 3 × $SERVED = $((3 * SERVED)) ($(awk -v u="$UPSTREAM_CALLS" -v s="$SERVED" 'BEGIN { printf "%.3f", u / s }') calls per request; served: $SERVED_SOURCE)"
      fi
      if [ "$RSS_END" != n/a ]; then
        check "resident memory flat (end ≤ middle + 10%)" "$(awk -v m="$RSS_MID" -v e="$RSS_END" 'BEGIN { print (e <= m * 1.10) ? 1 : 0 }')" \
          "$RSS_MID MB at $((DURATION / 2)) s, $RSS_END MB at $DURATION s"
      fi
    } >>"$SUMMARY"
    ;;
esac

echo >>"$SUMMARY"
echo "Load average after: $(load_average). Logs: \`${WORK#"$REPO_ROOT"/}/\`" >>"$SUMMARY"
cat "$SUMMARY"
log "summary written to ${SUMMARY#"$REPO_ROOT"/}"
[ "$CHECKS_FAILED" = 0 ] || die "a check failed (see the summary above)"
if [ "$ENGINE" = locust ] && [ "${LOCUST_RC:-0}" != 0 ] && [ "$CHECKS_FAILED" = 0 ]; then
  die "locust exited with $LOCUST_RC (see $PREFIX-locust.log)"
fi
