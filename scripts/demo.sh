#!/usr/bin/env bash
# Newcomer command 1: install what is missing, build, and start `delvex demo` (a simulated WhatsApp in
# this terminal, talking to the real service). Extra arguments go to `delvex demo` (e.g. --fresh).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --target delvex
exec ./build/delvex demo "$@"
