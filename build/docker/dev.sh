#!/usr/bin/env bash
# The original's `just docker-dev`: hot reload (dotnet watch) in a container, on http://localhost:8001.
# Usage: bash build/docker/dev.sh   (Ctrl+C stops it; edits under src/ rebuild and reload the service)
set -euo pipefail
cd "$(dirname "$0")/../.."
exec docker compose --profile dev up --build api-dev
