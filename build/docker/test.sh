#!/usr/bin/env bash
# The original's `just docker-test`: build the Dockerfile's test stage, which runs every test of the solution
# (the reverse-proxy tests with the image's nginx). The build fails when a test fails.
# Usage: bash build/docker/test.sh [extra `docker build` arguments, e.g. --progress=plain]
set -euo pipefail
cd "$(dirname "$0")/../.."
exec docker build --target test -t chatbot-api:test "$@" .
