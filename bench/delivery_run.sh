#!/usr/bin/env bash
# Delivery benchmarks: pacing at 80/s and 1,000/s over 60 s against a fake Graph API capped at the same
# rate, headroom with no cap, fan-out of one post to 10,000 recipients, and a voice note to 10,000 (one
# download, one upload). They are GoogleTest cases
# (disabled in the normal run) in tests/integration/delivery_bench_test.cpp, run here from the test binary.
# Usage: bench/delivery_run.sh [build-dir=build] [seconds=60]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
secs="${2:-60}"
bin="$build/delvex_tests"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target delvex_tests" >&2; exit 1; }
run() { "$bin" --gtest_also_run_disabled_tests --gtest_filter="DeliveryBench.$1" 2>&1 | grep -E '^\[ bench|FAILED|Failure' || true; }
cd "$root"
DELVEX_BENCH_RATE=80 DELVEX_BENCH_SECONDS=$secs run '*Pacing*'
DELVEX_BENCH_RATE=1000 DELVEX_BENCH_SECONDS=$secs run '*Pacing*'
DELVEX_BENCH_MESSAGES=100000 DELVEX_BENCH_CONCURRENCY=64 run '*Headroom*'
run '*FanOut*'
DELVEX_BENCH_RATE=80 run '*AnswersGoFirst*'
run '*VoiceNote*'
