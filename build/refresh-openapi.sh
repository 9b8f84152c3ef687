#!/usr/bin/env bash
# Refreshes docs/openapi.json with the OpenAPI document the service serves at /openapi.json.
# It builds src/Chatbot.Api, starts it on a free loopback port with the offline echo provider, waits for
# /health, saves /openapi.json as served (2-space indented) with a final newline, and stops the service.
# tests/Chatbot.ClientTests fails on any drift between the two, and the generated C# client is made
# from the committed file, so run this after any change to the API's endpoints or schemas.
#
# Usage: bash build/refresh-openapi.sh              (run from anywhere)
#        ARTIFACTS_PATH=/tmp/art bash build/refresh-openapi.sh   (build output elsewhere than bin/ and obj/)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/src/Chatbot.Api/Chatbot.Api.csproj"
target="$root/docs/openapi.json"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

msbuild_args=()
if [ -n "${ARTIFACTS_PATH:-}" ]; then
  msbuild_args=("-p:ArtifactsPath=$ARTIFACTS_PATH")
fi

echo "refresh-openapi: building $project"
dotnet build "$project" -nologo -v quiet "${msbuild_args[@]}" >/dev/null || {
  dotnet build "$project" -nologo -v quiet "${msbuild_args[@]}"
  exit 1
}
dll="$(dotnet msbuild "$project" -nologo -getProperty:TargetPath "${msbuild_args[@]}")"
[ -f "$dll" ] || { echo "refresh-openapi: built, but $dll is missing" >&2; exit 1; }

work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# The service runs in an empty directory (no .env is read) with none of the caller's service settings:
# the document does not depend on them, and a bad one would stop the start.
(
  cd "$work"
  while IFS= read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(LLM_|REQUEST_TIMEOUT$|ASPNETCORE_|DOTNET_URLS$|DOTNET_HTTP_PORTS$|PERFORMANCE_HEADERS$|REQUEST_LOGGING$|METRICS_ENABLED$|SHUTDOWN_TIMEOUT$)' || true)
  export LLM_PROVIDER=echo
  exec dotnet "$dll" --urls "http://127.0.0.1:0"
) >"$work/service.log" 2>&1 &
pid=$!

# Port 0 lets the OS pick a free port; the host logs the one it bound.
base=""
for _ in $(seq 1 600); do
  base="$(grep -oE 'Now listening on: "?http://127\.0\.0\.1:[0-9]+' "$work/service.log" | grep -oE 'http://[0-9.:]+' | head -n1 || true)"
  [ -n "$base" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$base" ]; then
  echo "refresh-openapi: the service did not start; its output:" >&2
  cat "$work/service.log" >&2
  exit 1
fi

for _ in $(seq 1 300); do
  curl -fsS -o /dev/null "$base/health" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "$base/health" || { echo "refresh-openapi: $base/health does not answer" >&2; exit 1; }

# NSwag serves the document indented by 2 spaces: it is saved as served, with a final newline.
curl -fsS "$base/openapi.json" -o "$work/openapi.json"
if command -v jq >/dev/null 2>&1; then
  jq -e '.openapi and .paths' "$work/openapi.json" >/dev/null || { echo "refresh-openapi: $base/openapi.json is not an OpenAPI document" >&2; exit 1; }
fi
[ -z "$(tail -c1 "$work/openapi.json")" ] || echo >>"$work/openapi.json"
mkdir -p "$(dirname "$target")"
mv "$work/openapi.json" "$target"
echo "refresh-openapi: wrote $target from $base/openapi.json"
