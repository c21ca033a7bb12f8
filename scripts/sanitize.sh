#!/usr/bin/env bash
# The whole test suite under AddressSanitizer + UndefinedBehaviorSanitizer, in one command:
#
#   scripts/sanitize.sh                      build build-asan (GCC, -DDELVEX_SANITIZE=ON), run every test
#   scripts/sanitize.sh -R 'Webhook|Codec'   extra arguments go to ctest (here: only matching tests)
#
# Any ASan report (overflow, use after free, leak) or UBSan report (overflow, misaligned access, bad cast…)
# aborts the test that caused it, so ctest fails. Slow: a full build takes ~30 min on 2 shared cores and the
# suite runs 2-3x slower than usual; everything runs at nice 10. DELVEX_ASAN_BUILD overrides the folder.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${DELVEX_ASAN_BUILD:-$(pwd)/build-asan}

cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=g++ \
    -DDELVEX_SANITIZE=ON -DDELVEX_WERROR=ON >/dev/null
nice -n 10 cmake --build "$build" --target delvex delvex_tests -j2

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
# Leaks inside system libraries that are not ours, each with its reason: tests/sanitizers/lsan-suppressions.txt.
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$(pwd)/tests/sanitizers/lsan-suppressions.txt:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$build"
nice -n 10 ctest --output-on-failure -j2 --timeout 600 "$@"
