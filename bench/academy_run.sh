#!/usr/bin/env bash
# Academy benchmark: 10,000 learners, each in the middle of a quiz, answer at once through signed webhooks
# into the real service (real SQLite file, synced webhook commits). Prints answers applied per second with
# the learner's state and next step committed, and the latency from sending the webhook to that commit, next
# to a same-run reference (10,000 status webhooks through the same ingest/consumer path), then the feature
# alone (no HTTP). GoogleTest cases, disabled in the normal run, in tests/integration/academy_bench_test.cpp.
# Usage: bench/academy_run.sh [build-dir=build] [learners=10000] [rounds=3]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
bin="$build/delvex_tests"
[ -x "$bin" ] || { echo "build first: cmake --build $build --target delvex_tests" >&2; exit 1; }
export DELVEX_BENCH_LEARNERS="${2:-10000}" DELVEX_BENCH_ROUNDS="${3:-3}"
cd "$root"
uptime
"$bin" --gtest_also_run_disabled_tests --gtest_filter='AcademyBench.*' 2>&1 | grep -E '^\[ bench|FAILED|Failure' || true
