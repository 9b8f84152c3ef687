#!/usr/bin/env bash
# The original's `just lint`: formatting, code style and analyzers, changing nothing.
# Usage: bash build/lint.sh   (run from anywhere; exits non-zero on any finding)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet format Chatbot.sln --verify-no-changes --severity warn --verbosity minimal "$@"
echo "lint: no findings"
