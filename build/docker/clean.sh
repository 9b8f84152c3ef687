#!/usr/bin/env bash
# The original's `just docker-clean`: stop and remove every compose service of every profile, their volumes,
# and the images built here.
# Usage: bash build/docker/clean.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
docker compose --profile dev --profile cache --profile proxy down --volumes --remove-orphans
docker image rm --force chatbot-api:latest chatbot-api:dev chatbot-api:test 2>/dev/null || true
