#!/usr/bin/env bash
# The original's `just docker-proxy`: nginx (deploy/nginx/nginx.conf) on http://localhost:8080 in front of two
# API instances (api, api-2): rate limited, keep-alive, streaming unbuffered.
# Usage: bash build/docker/proxy.sh   (detached; build/docker/logs.sh nginx follows nginx's log)
set -euo pipefail
cd "$(dirname "$0")/../.."
docker compose --profile proxy up --build --detach api api-2 nginx
docker compose --profile proxy ps api api-2 nginx
