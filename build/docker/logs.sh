#!/usr/bin/env bash
# The original's `just docker-logs`: follow the logs of the compose services (all of them, or those named).
# Usage: bash build/docker/logs.sh [service...]   e.g. bash build/docker/logs.sh api nginx
set -euo pipefail
cd "$(dirname "$0")/../.."
exec docker compose --profile dev --profile cache --profile proxy logs --follow --tail 100 "$@"
