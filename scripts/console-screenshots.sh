#!/usr/bin/env bash
# Retakes the console's screenshots in docs/console/ by running its browser test with DELVEX_SCREENSHOTS set.
# Needs a build (./scripts/test.sh, or cmake --build build) and the test packages (./scripts/deps.sh --tests).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p docs/console
DELVEX_SCREENSHOTS="$PWD/docs/console" ./build/delvex_tests --gtest_filter='ConsoleBrowser.*'
ls -l docs/console
