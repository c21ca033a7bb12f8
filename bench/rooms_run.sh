#!/usr/bin/env bash
# Rooms benchmark: one post to a room of 10,000 members through the real service (signed webhook → inbox →
# consumer → relay → every copy committed in the outbox), with a same-run reference (10,000 plain outbox rows
# in one transaction) and the peak memory per member. A GoogleTest case, disabled in the normal run.
# Usage: bench/rooms_run.sh [build-dir=build] [members=10000] [rounds=5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
bin="$build/delvex_tests"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target delvex_tests" >&2; exit 1; }
cd "$root"
DELVEX_BENCH_MEMBERS="${2:-10000}" DELVEX_BENCH_ROUNDS="${3:-5}" \
  "$bin" --gtest_also_run_disabled_tests --gtest_filter='RoomsBench.*' 2>&1 | grep -E '^\[ bench|FAILED|Failure' || true
