#!/usr/bin/env bash
# Newcomer command 2 (and CI): install what is missing, build everything with warnings as errors, and run
# the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/deps.sh --tests
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDELVEX_WERROR=ON >/dev/null
cmake --build build
cd build
ctest --output-on-failure -j2 --timeout 300
