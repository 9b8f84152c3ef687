# Shared part of build/profile/*.sh. Source it after setting USAGE; it parses the common arguments:
#   <pid> [--url URL]      profile a running service (POST URL is loaded with wrk during the capture;
#                          without --url nothing is loaded and you bring the traffic yourself)
#   --start [VAR=VALUE..]  publish (Release) and start the service against an instant local upstream,
#                          with the given environment (e.g. REQUEST_LOGGING=false), then load it
#   --duration N           seconds of capture (default 20)
#   --connections C        wrk connections (default 32)
#   --out DIR              where the files go (default results/profile-<what>-<UTC timestamp>)
# shellcheck source=build/bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../bench/lib.sh"
install_cleanup_trap

TARGET_PID="" TARGET_URL="" START=0 DURATION=20 CONNECTIONS=32 OUT="" START_ENV=()
while [ $# -gt 0 ]; do
  case "$1" in
    --start) START=1 ;;
    --url) TARGET_URL="${2:?--url needs a URL}"; shift ;;
    --duration) DURATION="${2:?--duration needs seconds}"; shift ;;
    --connections) CONNECTIONS="${2:?--connections needs a number}"; shift ;;
    --out) OUT="${2:?--out needs a folder}"; shift ;;
    -h | --help) echo "$USAGE"; exit 0 ;;
    *=*) START_ENV+=("$1") ;;
    [0-9]*) TARGET_PID="$1" ;;
    *) die "unknown argument '$1'. $USAGE" ;;
  esac
  shift
done
[ "$START" = 1 ] || [ -n "$TARGET_PID" ] || die "give a process id or --start. $USAGE"
[ "$START" = 1 ] || [ "${#START_ENV[@]}" = 0 ] || die "VAR=VALUE settings only apply with --start"
case "$TARGET_URL" in "" | http://127.* | http://localhost* | http://\[::1\]*) ;; *) die "--url must be a loopback address (127.0.0.1, localhost, [::1])" ;; esac

require_tool wrk wrk
require_tool curl curl
PROFILE_NAME="$(basename "$0" .sh)"
OUT="${OUT:-$RESULTS_DIR/profile-$PROFILE_NAME-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"

# The diagnostic tools come from the repo's tool manifest (.config/dotnet-tools.json).
(cd "$REPO_ROOT" && dotnet tool restore >/dev/null) || die "dotnet tool restore failed (needs the NuGet registry once)"
tool() { (cd "$REPO_ROOT" && dotnet "$@"); }

# start_target [VAR=VALUE...]: the service (Release) against nginx `return 200`, or the fake provider's
# --fast mode when nginx is missing. Sets TARGET_PID and TARGET_URL.
start_target() {
  publish api src/Chatbot.Api
  local upstream_port api_port
  upstream_port="$(free_port)"
  if command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]; then
    command -v nginx >/dev/null 2>&1 || PATH="$PATH:/usr/sbin"
    start_nginx "$OUT/nginx" "$upstream_port" || die "nginx did not start"
  else
    publish fake tests/Chatbot.FakeProvider
    start_fake "$OUT/fake.log" "$upstream_port" --fast
  fi
  api_port="$(free_port)"
  start_api "$OUT/api.log" "$api_port" "http://127.0.0.1:$upstream_port/v1" "$@"
  TARGET_PID=$API_PID
  TARGET_URL="http://127.0.0.1:$api_port/question"
  wait_http "http://127.0.0.1:$api_port/health" "$TARGET_PID" 30 || { tail -20 "$OUT/api.log" >&2; die "the service did not start"; }
  log "service pid $TARGET_PID at $TARGET_URL${*:+ with $*}"
}

if [ "$START" = 1 ]; then
  # PROFILE_ENV: settings the profiling script itself needs (e.g. DOTNET_PerfMapEnabled=1 for perf).
  start_target "${START_ENV[@]}" ${PROFILE_ENV[@]+"${PROFILE_ENV[@]}"}
fi
kill -0 "$TARGET_PID" 2>/dev/null || die "no process $TARGET_PID"

# load SECONDS OUTFILE: wrk POST /question at $CONNECTIONS connections in the background (LOAD_PID).
LOAD_PID=""
load() {
  if [ -z "$TARGET_URL" ]; then
    log "no --url: not generating load; send traffic to pid $TARGET_PID yourself now"
    LOAD_PID=""
    return 0
  fi
  wrk -t2 -c"$CONNECTIONS" -d"$1s" -s "$BENCH_DIR/lua/post-question.lua" "$TARGET_URL" >"$2" 2>&1 &
  LOAD_PID=$!
  STARTED_PIDS+=("$LOAD_PID")
}
wait_load() {
  [ -n "$LOAD_PID" ] || return 0
  wait "$LOAD_PID" 2>/dev/null || true
  local kept=() p
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$LOAD_PID" ] || kept+=("$p"); done
  STARTED_PIDS=("${kept[@]}")
  LOAD_PID=""
}
# Under full load on 2 cores the JIT's background tiering is starved: the service needs 30-60 s before it
# runs optimised code. Profile after that (PROFILE_WARMUP_MIN/MAX seconds, default 30/60).
profile_warm_up() {
  [ -n "$TARGET_URL" ] || return 0
  log "warm-up: until the rate stops rising (${PROFILE_WARMUP_MIN:-30}-${PROFILE_WARMUP_MAX:-60} s) at $CONNECTIONS connections"
  local spent
  spent="$(warm_up "$TARGET_URL" "$BENCH_DIR/lua/post-question.lua" "$OUT/warmup" "${PROFILE_WARMUP_MIN:-30}" "${PROFILE_WARMUP_MAX:-60}" "$CONNECTIONS" 2)"
  log "warm-up: $spent s, last window $(grep 'warm-up' "$OUT/warmup-warmup.txt" | tail -1 | cut -d: -f2)"
}
duration_arg() { printf '00:00:%02d:%02d' $((DURATION / 60)) $((DURATION % 60)); }

# start_counters COUNTERS: dotnet-counters into $OUT/counters.csv for DURATION seconds, in the background;
# its pid in COUNTERS_PID (wait for it after the load).
start_counters() {
  tool dotnet-counters collect -p "$TARGET_PID" --counters "$1" --refresh-interval 1 --format csv \
    -o "$OUT/counters.csv" --duration "$(duration_arg)" >"$OUT/dotnet-counters.log" 2>&1 &
  COUNTERS_PID=$!
  STARTED_PIDS+=("$COUNTERS_PID")
  sleep 1
}
