#!/usr/bin/env bash
# Judges the committed docs/openapi.json with outside tools, as issue 11 asks:
#  1. Spectral (spectral:oas, through .spectral.yaml) must report no error;
#  2. Prism, as a validating proxy in front of the running service, must find no violation in the requests sent and
#     in the service's answers, for every status the service gives: valid requests through `prism proxy --errors`
#     (a violation becomes an error answer), invalid ones (which Prism would answer itself under --errors) through
#     `prism proxy` without it, reading its sl-violations header.
# The pinned npm packages of build/openapi-check/package.json are installed into a cache outside the repository
# (OPENAPI_CHECK_CACHE, default ~/.cache/chatbot-openapi-check). Everything listens on loopback only: the service
# with the echo provider, the same with API_KEYS and RATE_LIMIT_PER_MINUTE, the same asking a fake provider
# (build/openapi-check/fake-provider.cjs), and a Prism in front of each.
#
# Usage: bash build/openapi-check.sh   (after a build of src/Chatbot.Api; ARTIFACTS_PATH as for refresh-openapi.sh)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
here="$root/build/openapi-check"
document="$root/docs/openapi.json"
cache="${OPENAPI_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/chatbot-openapi-check}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
started=$SECONDS

# --- tools ---------------------------------------------------------------------------------------------------------
mkdir -p "$cache"
if ! cmp -s "$here/package.json" "$cache/package.json" || [ ! -x "$cache/node_modules/.bin/prism" ] || [ ! -x "$cache/node_modules/.bin/spectral" ]; then
  echo "openapi-check: installing $(grep -o '"@stoplight/[a-z-]*": "[0-9.]*"' "$here/package.json" | tr -d '"' | tr '\n' ' ')into $cache"
  cp "$here/package.json" "$cache/package.json"
  (cd "$cache" && npm install --no-audit --no-fund --no-save --loglevel=error >/dev/null)
fi
spectral="$cache/node_modules/.bin/spectral"
prism="$cache/node_modules/.bin/prism"

# --- 1. Spectral ---------------------------------------------------------------------------------------------------
echo "openapi-check: spectral lint docs/openapi.json --ruleset .spectral.yaml"
"$spectral" lint "$document" --ruleset "$root/.spectral.yaml" --fail-severity error --format text >"${TMPDIR:-/tmp}/spectral.$$" 2>&1 \
  || { cat "${TMPDIR:-/tmp}/spectral.$$"; rm -f "${TMPDIR:-/tmp}/spectral.$$"; echo "openapi-check: Spectral reports errors" >&2; exit 1; }
errors=$(grep -c ' error ' "${TMPDIR:-/tmp}/spectral.$$" || true)
warnings=$(grep -c ' warning ' "${TMPDIR:-/tmp}/spectral.$$" || true)
rm -f "${TMPDIR:-/tmp}/spectral.$$"
echo "openapi-check: spectral: $errors errors, $warnings warnings"

# --- the service ---------------------------------------------------------------------------------------------------
project="$root/src/Chatbot.Api/Chatbot.Api.csproj"
msbuild_args=()
[ -n "${ARTIFACTS_PATH:-}" ] && msbuild_args=("-p:ArtifactsPath=$ARTIFACTS_PATH")
dll="$(dotnet msbuild "$project" -nologo -getProperty:TargetPath "${msbuild_args[@]}")"
[ -f "$dll" ] || { echo "openapi-check: $dll is missing; build src/Chatbot.Api first" >&2; exit 1; }

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# Waits for "<pattern>http://127.0.0.1:<port>" in a log and prints the address.
address_in() {
  local log="$1" pid="$2" found=""
  for _ in $(seq 1 300); do
    found="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" | head -n1 || true)"
    [ -n "$found" ] && { echo "$found"; return 0; }
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "openapi-check: no address in $log:" >&2
  cat "$log" >&2
  return 1
}

# start_service NAME VAR=VALUE...: the service in an empty directory with only these settings; sets $service.
start_service() {
  local name="$1"; shift
  mkdir -p "$work/$name"
  (
    cd "$work/$name"
    while IFS= read -r var; do unset "$var"; done < <(compgen -e | grep -E '^(LLM_|REQUEST_TIMEOUT$|ASPNETCORE_|DOTNET_URLS$|DOTNET_HTTP_PORTS$|API_KEYS|RATE_LIMIT|REDIS_URL$|CACHE_TTL|PERFORMANCE_HEADERS$|REQUEST_LOGGING$|METRICS_ENABLED$|SHUTDOWN_TIMEOUT$)' || true)
    export REQUEST_LOGGING=false "$@"
    exec dotnet "$dll" --urls "http://127.0.0.1:0"
  ) >"$work/$name.log" 2>&1 &
  pids+=($!)
  service="$(address_in "$work/$name.log" $!)"
  for _ in $(seq 1 100); do curl -fsS -o /dev/null "$service/health" 2>/dev/null && return 0; sleep 0.1; done
  echo "openapi-check: $service/health does not answer" >&2
  return 1
}

# start_prism NAME UPSTREAM [--errors]: sets $proxy.
start_prism() {
  local name="$1" upstream="$2"; shift 2
  local port
  port="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close();})')"
  "$prism" proxy "$document" "$upstream" --host 127.0.0.1 --port "$port" "$@" >"$work/prism-$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$port/health" 2>/dev/null && { proxy="http://127.0.0.1:$port"; return 0; }
    kill -0 "${pids[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  echo "openapi-check: prism ($name) did not start:" >&2
  cat "$work/prism-$name.log" >&2
  return 1
}

failures=0
checked=0
invalid_request=0
# check PROXY STATUS DESCRIPTION CURL-ARGS...: the answer through Prism has STATUS and no sl-violations header.
check() {
  local proxy="$1" expected="$2" what="$3"; shift 3
  local headers="$work/headers" body="$work/body" status violations
  status="$(curl -sS -o "$body" -D "$headers" -w '%{http_code}' --max-time 20 "$@" "$proxy$path")" || status="curl failed"
  violations="$(grep -i '^sl-violations:' "$headers" | cut -d' ' -f2- | tr -d '\r' || true)"
  if [ "$invalid_request" = 1 ]; then
    # The request's own violations are the point; the answer must have none, and the request at least one.
    [ -n "$violations" ] || violations="none for the request, though it breaks the document"
    [ "${violations:0:1}" = "[" ] && violations="$(node -e '
      const v = JSON.parse(process.argv[1]);
      const answer = v.filter((x) => x.location[0] !== "request");
      console.log(answer.length ? JSON.stringify(answer) : "");' "$violations")"
  fi
  checked=$((checked + 1))
  if [ "$status" = "$expected" ] && [ -z "$violations" ]; then
    printf '  ok   %s %-22s %s\n' "$status" "$path" "$what"
  else
    failures=$((failures + 1))
    printf '  FAIL %s %-22s %s (expected %s)\n' "$status" "$path" "$what" "$expected"
    if [ -n "$violations" ]; then echo "       sl-violations: $violations"; fi
    if [ "$status" != "$expected" ]; then echo "       body: $(head -c 600 "$body" 2>/dev/null)"; fi
  fi
  rm -f "$body" "$headers"
}

json=(-H 'Content-Type: application/json')
key=(-H 'Authorization: Bearer sk-openapi-check-key-0001')
big="$work/big.json"
printf '{"text":"%s"}' "$(head -c 70000 /dev/zero | tr '\0' x)" >"$big"
big_chat="$work/big-chat.json"
printf '{"messages":[{"role":"user","content":"%s"}]}' "$(head -c 70000 /dev/zero | tr '\0' x)" >"$big_chat"
hi='{"messages":[{"role":"user","content":"hi"}]}'

echo "openapi-check: the service (echo provider, no API_KEYS, CHAT_MAX_BODY_KB=64)"
start_service echo LLM_PROVIDER=echo CHAT_MAX_BODY_KB=64
echo_service="$service"
start_prism echo-errors "$echo_service" --errors
valid="$proxy"
start_prism echo "$echo_service"
plain="$proxy"

echo " valid requests, through prism proxy --errors:"
path=/health;               check "$valid" 200 "health" 
path=/health/ready;         check "$valid" 200 "readiness"
path=/metrics;              check "$valid" 200 "metrics, no key needed without API_KEYS"
path=/question;             check "$valid" 200 "a question" "${json[@]}" -d '{"text":"hi"}'
path=/question;             check "$valid" 200 "a question with a member the service ignores" "${json[@]}" -d '{"text":"hi","extra":1}'
path=/question/stream;      check "$valid" 200 "a streamed answer (text/event-stream)" "${json[@]}" -d '{"text":"hi there"}'
path=/question;             check "$valid" 422 "a blank text" "${json[@]}" -d '{"text":"   "}'
path=/v1/models;            check "$valid" 200 "models" 
path=/v1/chat/completions;  check "$valid" 200 "a chat completion" "${json[@]}" -d "$hi"
path=/v1/chat/completions;  check "$valid" 200 "a streamed chat completion" "${json[@]}" -d '{"messages":[{"role":"user","content":"hi"}],"stream":true}'
path=/v1/chat/completions;  check "$valid" 400 "an unknown role" "${json[@]}" -d '{"messages":[{"role":"bad","content":"hi"}]}'
path=/v1/chat/completions;  check "$valid" 404 "a model this service does not serve" "${json[@]}" -d '{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}'
path=/v1/chat/completions;  check "$valid" 413 "a body over CHAT_MAX_BODY_KB (64 here; the document sets no size)" "${json[@]}" --data-binary "@$big_chat"
# Malformed JSON (400) is not sent through Prism: Prism never answers a request whose JSON body it cannot parse.
# tests/Chatbot.ClientTests (ExamplesEqualRealAnswersTests) compares those answers with the document instead.


echo " invalid requests, through prism proxy (the request's violations expected, none for the answer):"
invalid_request=1
path=/question;             check "$plain" 413 "a body over 64 KiB" "${json[@]}" --data-binary "@$big"
path=/question;             check "$plain" 415 "a body that is not JSON" -H 'Content-Type: text/plain' -d hi
path=/question;             check "$plain" 422 "an empty text" "${json[@]}" -d '{"text":""}'
path=/question;             check "$plain" 422 "a text over 1024 characters" "${json[@]}" -d "{\"text\":\"$(head -c 1025 /dev/zero | tr '\0' a)\"}"
path=/question/stream;      check "$plain" 413 "a body over 64 KiB" "${json[@]}" --data-binary "@$big"
path=/question/stream;      check "$plain" 415 "a body that is not JSON" -H 'Content-Type: text/plain' -d hi
path=/question/stream;      check "$plain" 422 "a missing text" "${json[@]}" -d '{}'
path=/v1/chat/completions;  check "$plain" 415 "a body that is not JSON" -H 'Content-Type: text/plain' -d hi
invalid_request=0

echo "openapi-check: the service with API_KEYS and RATE_LIMIT_PER_MINUTE=2"
start_service keys LLM_PROVIDER=echo API_KEYS=sk-openapi-check-key-0001 RATE_LIMIT_PER_MINUTE=2
start_prism keys "$service" --errors
path=/health/ready;         check "$proxy" 200 "readiness without a key"
path=/metrics;              check "$proxy" 401 "metrics without a key"
path=/metrics;              check "$proxy" 200 "metrics with a key" "${key[@]}"
path=/question;             check "$proxy" 401 "a question without a key" "${json[@]}" -d '{"text":"hi"}'
path=/v1/models;            check "$proxy" 401 "models without a key"
path=/question;             check "$proxy" 200 "a question with a key" "${key[@]}" "${json[@]}" -d '{"text":"hi"}'
path=/v1/models;            check "$proxy" 200 "models with a key (X-API-Key)" -H 'X-API-Key: sk-openapi-check-key-0001'
path=/question;             check "$proxy" 429 "past the rate limit" "${key[@]}" "${json[@]}" -d '{"text":"hi"}'
path=/v1/models;            check "$proxy" 429 "past the rate limit" "${key[@]}"

echo "openapi-check: the service asking a fake provider (one attempt, 2 s timeout), METRICS_ENABLED=false"
node "$here/fake-provider.cjs" >"$work/fake.log" 2>&1 &
pids+=($!)
fake="$(address_in "$work/fake.log" $!)"
# Each status is checked on its own: the circuit breaker must not open on the run of failures this loop provokes
# (an open circuit's 503 is its own case, with a breaker that opens at once, below).
start_service provider LLM_PROVIDER=openai "LLM_BASE_URL=$fake" LLM_API_KEY=sk-fake-provider-key LLM_MODEL=test-model \
  LLM_MAX_ATTEMPTS=1 REQUEST_TIMEOUT=2 METRICS_ENABLED=false LLM_BREAKER_FAILURES=1000
start_prism provider "$service" --errors
path=/metrics;              check "$proxy" 404 "metrics when METRICS_ENABLED is off"
for status in 401 429 502 503 504; do
  path=/question;             check "$proxy" "$status" "the provider's $status" "${json[@]}" -d "{\"text\":\"provider-$status\"}"
  path=/question/stream;      check "$proxy" "$status" "the provider's $status before the first event" "${json[@]}" -d "{\"text\":\"provider-$status\"}"
  path=/v1/chat/completions;  check "$proxy" "$status" "the provider's $status" "${json[@]}" -d "{\"messages\":[{\"role\":\"user\",\"content\":\"provider-$status\"}]}"
done

echo "openapi-check: a circuit breaker that opens after one failure (LLM_BREAKER_FAILURES=1)"
start_service breaker LLM_PROVIDER=openai "LLM_BASE_URL=$fake" LLM_API_KEY=sk-fake-provider-key LLM_MODEL=test-model \
  LLM_MAX_ATTEMPTS=1 REQUEST_TIMEOUT=2 METRICS_ENABLED=false LLM_BREAKER_FAILURES=1 LLM_BREAKER_SECONDS=60
start_prism breaker "$service" --errors
path=/question;             check "$proxy" 503 "an unreachable provider opens the circuit" "${json[@]}" -d '{"text":"provider-503"}'
path=/v1/chat/completions;  check "$proxy" 503 "an open circuit, with no fallback" "${json[@]}" -d "$hi"
path=/health/ready;         check "$proxy" 200 "readiness Degraded while a circuit is open"

echo "openapi-check: $checked requests through Prism, $failures failed, in $((SECONDS - started)) s"
[ "$failures" -eq 0 ] || { echo "openapi-check: docs/openapi.json does not describe what the service answers" >&2; exit 1; }
