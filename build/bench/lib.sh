# Shared helpers of build/bench, build/load and build/profile. Source it; do not run it.
# Everything it starts listens on 127.0.0.1 and is stopped by the EXIT trap of the sourcing script.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BENCH_DIR="$REPO_ROOT/build/bench"
# Builds go under build/bench/out (git-ignored) unless BENCH_OUT says otherwise; results under results/.
BENCH_OUT="${BENCH_OUT:-$BENCH_DIR/out}"
RESULTS_DIR="${RESULTS_DIR:-$REPO_ROOT/results}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# --- processes ---------------------------------------------------------------------------------
STARTED_PIDS=()

# start_bg LOGFILE CMD...: start CMD in the background (its own process, not a subshell), remember it.
# Sets BG_PID.
start_bg() {
  local logfile="$1"; shift
  "$@" >"$logfile" 2>&1 &
  BG_PID=$!
  STARTED_PIDS+=("$BG_PID")
}

# stop_pid PID [SECONDS]: SIGTERM, wait up to SECONDS (default 10), then SIGKILL. Only our own children.
stop_pid() {
  local pid="$1" grace="${2:-10}" i
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < grace * 10; i++)); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  STARTED_PIDS=("${kept[@]}")
}

stop_all() {
  local p
  for p in "${STARTED_PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${STARTED_PIDS[@]}"; do stop_pid "$p" 5; done
}

# Call once in the sourcing script: everything started is stopped however the script ends.
install_cleanup_trap() {
  trap 'stop_all' EXIT
  trap 'echo "interrupted" >&2; exit 130' INT TERM
}

# --- ports and HTTP ----------------------------------------------------------------------------
# free_port: a TCP port on 127.0.0.1 that nothing listens on right now.
free_port() {
  if command -v python3 >/dev/null 2>&1; then
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    return
  fi
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
  die "no free port found"
}

# wait_http URL PID SECONDS: wait until URL answers 2xx; fail if PID died or the time ran out.
wait_http() {
  local url="$1" pid="$2" seconds="${3:-30}" deadline
  deadline=$(($(date +%s) + seconds))
  until curl -sf -o /dev/null --max-time 1 "$url"; do
    kill -0 "$pid" 2>/dev/null || return 1
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.02
  done
}

# --- /proc figures -----------------------------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
kb_to_mb() { awk -v kb="$1" 'BEGIN { printf "%.1f", kb / 1024 }'; }
# cpu_ticks PID: user + system CPU time of PID in clock ticks (fields 14 and 15 of /proc/PID/stat).
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0; }
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"
load_average() { cut -d' ' -f1-3 /proc/loadavg; }

# --- tools -------------------------------------------------------------------------------------
# require_tool BINARY DEBIAN_PACKAGE: install it when running as root with apt-get, else fail clearly.
require_tool() {
  local binary="$1" package="$2"
  command -v "$binary" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    log "$binary is missing: apt-get install -y $package"
    DEBIAN_FRONTEND=noninteractive apt-get install -y "$package" >/dev/null 2>&1 \
      || { apt-get update >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y "$package" >/dev/null 2>&1; } \
      || true
  fi
  command -v "$binary" >/dev/null 2>&1 \
    || die "$binary is not installed. Install it with: apt-get install -y $package   (Debian/Ubuntu, as root)"
}

# --- builds ------------------------------------------------------------------------------------
# publish NAME PROJECT: Release publish into $BENCH_OUT/NAME, intermediate files in $BENCH_OUT/artifacts
# (so nothing is written into the projects' own bin/obj folders). Skipped when BENCH_SKIP_PUBLISH=1
# and the output exists.
publish() {
  local name="$1" project="$2" dest="$BENCH_OUT/$1" attempt
  if [ "${BENCH_SKIP_PUBLISH:-0}" = 1 ] && [ -d "$dest" ]; then
    log "publish $name: skipped (BENCH_SKIP_PUBLISH=1, $dest exists)"
    return 0
  fi
  log "publish $name ($project) -> $dest"
  for attempt in 1 2 3; do
    if dotnet publish "$REPO_ROOT/$project" -c Release -o "$dest" --artifacts-path "$BENCH_OUT/artifacts" \
      --nologo -v quiet >"$BENCH_OUT/publish-$name.log" 2>&1; then
      return 0
    fi
    log "publish $name failed (attempt $attempt); see $BENCH_OUT/publish-$name.log"
    # Another build holding a file is the usual cause on a shared checkout: wait and try again.
    sleep 10
  done
  tail -20 "$BENCH_OUT/publish-$name.log" >&2
  die "could not publish $project"
}

# --- the processes under test ------------------------------------------------------------------
# A clean environment for the processes under test: only what the run sets, nothing from the caller's
# shell, and (run in an empty directory) no .env file. A command prefix: "${CLEAN_ENV[@]}" CMD ARGS...
CLEAN_ENV=(env -i PATH="$PATH" HOME="${HOME:-/root}" LANG=C.UTF-8)
if [ -n "${DOTNET_ROOT:-}" ]; then CLEAN_ENV+=(DOTNET_ROOT="$DOTNET_ROOT"); fi

# start_fake LOGFILE PORT ARGS...: the fake OpenAI-compatible upstream (published as $BENCH_OUT/fake).
start_fake() {
  local logfile="$1" port="$2"; shift 2
  start_bg "$logfile" "${CLEAN_ENV[@]}" dotnet "$BENCH_OUT/fake/Chatbot.FakeProvider.dll" --port "$port" "$@"
  FAKE_PID=$BG_PID
  local i
  for ((i = 0; i < 200; i++)); do
    grep -q 'listening on' "$logfile" 2>/dev/null && return 0
    kill -0 "$FAKE_PID" 2>/dev/null || { cat "$logfile" >&2; die "the fake provider did not start"; }
    sleep 0.05
  done
  die "the fake provider did not start within 10 s"
}

# start_api LOGFILE PORT UPSTREAM_BASE_URL [VAR=VALUE...]: the service, in an empty working directory.
# API_DIR (default $BENCH_OUT/api) names another published build; BENCH_SERVICE_ENV (VAR=VALUE ...) adds
# settings to every start, e.g. BENCH_SERVICE_ENV="DOTNET_gcServer=0" to try the workstation GC.
start_api() {
  local logfile="$1" port="$2" upstream="$3"; shift 3
  local cwd="$BENCH_OUT/cwd"
  mkdir -p "$cwd"
  API_START_NS=$(date +%s%N)
  start_bg "$logfile" env -i -C "$cwd" "${CLEAN_ENV[@]:2}" \
    LLM_PROVIDER=openai LLM_BASE_URL="$upstream" LLM_API_KEY=bench-key-0000 LLM_MODEL=gpt-4o-mini \
    ASPNETCORE_URLS="http://127.0.0.1:$port" ${BENCH_SERVICE_ENV:-} "$@" \
    dotnet "${API_DIR:-$BENCH_OUT/api}/Chatbot.Api.dll"
  API_PID=$BG_PID
}

# The chat completion every instant upstream answers (the fake provider's --fast body, same size).
COMPLETION_JSON='{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"fake-model","choices":[{"index":0,"message":{"role":"assistant","content":"Fake answer."},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":7,"total_tokens":12}}'

# start_nginx DIR PORT: nginx answering every request at once with a chat completion (the instant
# upstream). Sets NGINX_PID; returns non-zero when it does not answer.
start_nginx() {
  local dir="$1" port="$2"
  mkdir -p "$dir/tmp"
  cat >"$dir/nginx.conf" <<EOF
# One process (no master, no daemon) so the run can stop it by its pid; it answers every request at once.
daemon off;
master_process off;
worker_processes 1;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $dir/tmp/body;
  proxy_temp_path $dir/tmp/proxy;
  fastcgi_temp_path $dir/tmp/fastcgi;
  uwsgi_temp_path $dir/tmp/uwsgi;
  scgi_temp_path $dir/tmp/scgi;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  server {
    listen 127.0.0.1:$port;
    location / {
      default_type application/json;
      return 200 '$COMPLETION_JSON';
    }
  }
}
EOF
  start_bg "$dir/nginx.log" nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
  NGINX_PID=$BG_PID
  local i
  for ((i = 0; i < 100; i++)); do
    curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/v1/chat/completions" && return 0
    kill -0 "$NGINX_PID" 2>/dev/null || { cat "$dir/error.log" "$dir/nginx.log" >&2; return 1; }
    sleep 0.05
  done
  return 1
}

# --- wrk output --------------------------------------------------------------------------------
wrk_rps() { awk '/^Requests\/sec:/ { print $2 }' "$1"; }
wrk_requests() { awk '/ requests in / { print $1 }' "$1"; }
# Non-2xx answers plus socket errors (connect, read, write, timeout).
wrk_errors() {
  awk '/Non-2xx or 3xx responses:/ { e += $NF }
       /Socket errors:/ { gsub(",", ""); e += $4 + $6 + $8 + $10 }
       END { print e + 0 }' "$1"
}
# wrk_percentile FILE 50|99: that latency percentile from --latency output, in microseconds.
wrk_percentile() {
  awk -v p="$2%" '$1 == p && NF == 2 {
      v = $2; n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
      if (u == "us") f = 1; else if (u == "ms") f = 1000; else if (u == "s") f = 1000000; else f = 60000000
      printf "%.0f", n * f; exit }' "$1"
}

# warm_up URL LUA FILEPREFIX MIN MAX CONNECTIONS THREADS: load in 5 s windows until the rate stops rising
# (two windows in a row less than 5% above the best so far), at least MIN and at most MAX seconds. Under
# full load on 2 cores the JIT's background tiering is starved and a service with many methods keeps
# getting faster for tens of seconds; a fixed short warm-up would measure tier-0 code. Prints the seconds.
warm_up() {
  local url="$1" lua="$2" f="$3" min="$4" max="$5" connections="$6" threads="$7"
  local spent=0 best=0 flat=0 rate
  : >"$f-warmup.txt"
  while [ "$spent" -lt "$max" ]; do
    wrk -t"$threads" -c"$connections" -d5s -s "$lua" "$url" >"$f-warmup-window.txt" 2>&1 || true
    cat "$f-warmup-window.txt" >>"$f-warmup.txt"
    spent=$((spent + 5))
    rate="$(wrk_rps "$f-warmup-window.txt")"; rate="${rate:-0}"
    echo "warm-up ${spent}s: $rate req/s" >>"$f-warmup.txt"
    if awk -v r="$rate" -v b="$best" 'BEGIN { exit !(r < b * 1.05) }'; then flat=$((flat + 1)); else flat=0; fi
    best="$(awk -v r="$rate" -v b="$best" 'BEGIN { print (r > b) ? r : b }')"
    if [ "$spent" -ge "$min" ] && [ "$flat" -ge 2 ]; then
      break
    fi
  done
  rm -f "$f-warmup-window.txt"
  echo "$spent"
}

# measure_target URL LUA PID FILEPREFIX WARMUP_MIN WARMUP_MAX DURATION LATENCY_DURATION CONNECTIONS THREADS
# Warm-up until steady (warm_up), then throughput at CONNECTIONS connections (with PID's CPU time per
# request), then latency at 1 connection (2 s of warm-up first).
# Prints "req/s errors cpu_us_per_request p50_us p99_us warmup_seconds".
measure_target() {
  local url="$1" lua="$2" pid="$3" f="$4" warmup_min="$5" warmup_max="$6" duration="$7" latency="$8" connections="$9" threads="${10}"
  local warmed
  warmed="$(warm_up "$url" "$lua" "$f" "$warmup_min" "$warmup_max" "$connections" "$threads")"
  local c0 c1
  c0="$(cpu_ticks "$pid")"
  wrk -t"$threads" -c"$connections" -d"${duration}s" -s "$lua" "$url" >"$f-throughput.txt" 2>&1
  c1="$(cpu_ticks "$pid")"
  wrk -t1 -c1 -d2s -s "$lua" "$url" >/dev/null 2>&1
  wrk -t1 -c1 -d"${latency}s" --latency -s "$lua" "$url" >"$f-latency.txt" 2>&1
  local requests rps errors cpu
  requests="$(wrk_requests "$f-throughput.txt")"
  rps="$(wrk_rps "$f-throughput.txt")"
  errors=$(($(wrk_errors "$f-throughput.txt") + $(wrk_errors "$f-latency.txt")))
  cpu="$(awk -v t=$((c1 - c0)) -v hz="$CLK_TCK" -v n="${requests:-0}" 'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print "n/a" }')"
  echo "${rps:-0} $errors $cpu $(wrk_percentile "$f-latency.txt" 50) $(wrk_percentile "$f-latency.txt" 99) $warmed"
}

# wrk_count THREADS CONNECTIONS N MAX_SECONDS URL OUTFILE: POST /question until N answers, then stop.
wrk_count() {
  local threads="$1" connections="$2" n="$3" max="$4" url="$5" out="$6"
  local flag="$out.flag" pid i
  rm -f "$flag".*
  wrk -t"$threads" -c"$connections" -d"${max}s" -s "$BENCH_DIR/lua/post-question-count.lua" "$url" \
    -- "$n" "$threads" "$flag" >"$out" 2>&1 &
  pid=$!
  STARTED_PIDS+=("$pid")
  while kill -0 "$pid" 2>/dev/null; do
    # shellcheck disable=SC2012
    if [ "$(ls "$flag".* 2>/dev/null | wc -l)" -ge "$threads" ]; then
      kill -INT "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.05
  done
  wait "$pid" 2>/dev/null || true
  local kept=() p
  for p in "${STARTED_PIDS[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  STARTED_PIDS=("${kept[@]}")
  rm -f "$flag".*
}
