#!/usr/bin/env bash
# The original's `just docker-run`: build the production image and run it on http://localhost:8000.
# Usage: bash build/docker/run.sh [extra `docker run` arguments, e.g. -e LLM_MODEL=gpt-4o]
# Reads .env when there is one (cp env.example .env); otherwise the built-in echo provider answers offline.
set -euo pipefail
cd "$(dirname "$0")/../.."
image="${IMAGE:-chatbot-api:latest}"
docker build --target final -t "$image" .
env_file=()
[ -f .env ] && env_file=(--env-file .env)
# The service handles SIGTERM itself; a stop timeout above SHUTDOWN_TIMEOUT (30 s) lets requests in flight finish.
exec docker run --rm --name chatbot-api --stop-timeout 40 -p 8000:8000 "${env_file[@]}" "$@" "$image"
