#!/usr/bin/env bash
# Forums benchmarks (bench/README.md, "Forums"):
#   1. the next 1,000 occurrences of 1,000 series (C++), with python-dateutil on the same rules as reference;
#   2. one reminder and one announcement to a room of 10,000 members: time until every outbox row is committed,
#      with plain outbox inserts of as many rows as reference.
# Usage: bench/forums_bench.sh [BUILD_DIR] [RUNS]   (default: build, 5 runs)
#   or:  cmake --build BUILD --target bench_forums   (the same, with the programs that target built)
# The two programs are the CMake targets bench_forums_occurrences and bench_forums_fanout (cmake/bench.cmake),
# built here unless BENCH_OCCURRENCES and BENCH_FANOUT name them already.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-5}
OUT=$(mktemp -d /tmp/delvex-forums-bench-XXXXXX)
trap 'rm -rf "$OUT"' EXIT

if [ -z "${BENCH_OCCURRENCES:-}" ] || [ -z "${BENCH_FANOUT:-}" ]; then
  echo "== building bench_forums_occurrences bench_forums_fanout in $BUILD =="
  cmake --build "$BUILD" --target bench_forums_occurrences bench_forums_fanout
  BENCH_OCCURRENCES="$BUILD/bench_forums_occurrences"
  BENCH_FANOUT="$BUILD/bench_forums_fanout"
fi

echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) =="
echo "== 1. next 1,000 occurrences of 1,000 series =="
"$BENCH_OCCURRENCES" "$RUNS"
echo "== reference: python-dateutil, 100 of the same series (x10 to compare) =="
/usr/bin/python3 bench/forums_occurrences_ref.py 100 3
echo "== 2. reminder / announcement to a room of 10,000 members =="
"$BENCH_FANOUT" "$OUT" "$RUNS" 10000
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) =="
