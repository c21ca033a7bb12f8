#!/usr/bin/env bash
# The hardening check, in one command: the whole test suite under ASan+UBSan (scripts/sanitize.sh), then
# every fuzz target for about a minute (scripts/fuzz.sh 60). Exits non-zero on the first failure.
#
#   scripts/check.sh            sanitizers, then 60 s per fuzz target (about 40 min on 2 cores, mostly build)
#   scripts/check.sh 30         sanitizers, then 30 s per fuzz target
#
# The long fuzz runs (10 minutes per target before a release: scripts/fuzz.sh 600) are not part of it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

echo "== sanitizers (build-asan): the whole suite under AddressSanitizer + UndefinedBehaviorSanitizer"
./scripts/sanitize.sh
echo "== fuzzing (build-fuzz): ${seconds} s per target"
./scripts/fuzz.sh "$seconds"
echo "== check passed"
