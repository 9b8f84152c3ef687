#!/usr/bin/env bash
# The original's `just docker-cache`: Redis and an API using it (REDIS_URL=redis://redis:6379) on http://localhost:8002.
# Usage: bash build/docker/cache.sh   (detached; build/docker/logs.sh follows the logs, build/docker/clean.sh stops it)
set -euo pipefail
cd "$(dirname "$0")/../.."
docker compose --profile cache up --build --detach redis api-cache
docker compose --profile cache ps redis api-cache
