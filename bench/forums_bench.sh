#!/usr/bin/env bash
# Forums benchmarks (bench/README.md, "Forums"):
#   1. the next 1,000 occurrences of 1,000 series (C++), with python-dateutil on the same rules as reference;
#   2. one reminder and one announcement to a room of 10,000 members: time until every outbox row is committed,
#      with plain outbox inserts of as many rows as reference.
# Usage: bench/forums_bench.sh [BUILD_DIR] [RUNS]   (BUILD_DIR must have built delvex_app; default build)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${1:-build}
RUNS=${2:-5}
OUT=$(mktemp -d /tmp/delvex-forums-bench-XXXXXX)
trap 'rm -rf "$OUT"' EXIT

# Compile flags of the library's own translation units (defines and include paths), from CMake's database.
FLAGS=$(/usr/bin/python3 - "$BUILD" <<'PY'
import json, shlex, sys
for e in json.load(open(sys.argv[1] + "/compile_commands.json")):
    if e["file"].endswith("bot/events/forums_feature.cpp"):
        args = shlex.split(e["command"])
        print(" ".join(a for a in args if a.startswith(("-D", "-I", "-isystem")) or a.startswith("-std")))
        break
PY
)
LIBS="-Wl,--start-group $BUILD/libdelvex_app.a $BUILD/libdelvex_http.a $BUILD/libdelvex_events.a \
      $BUILD/libdelvex_delivery.a $BUILD/libdelvex_domain.a $BUILD/libdelvex_store.a $BUILD/libdelvex_whatsapp.a \
      $BUILD/libdelvex_forums.a $BUILD/libdelvex_core.a $BUILD/libdelvex_asio.a -Wl,--end-group"
EXT="-lSQLiteCpp -lsqlite3 -lspdlog -lfmt -lyaml-cpp -ldate-tz -lssl -lcrypto -pthread"

echo "== building (g++ -O2) =="
g++ -O2 -std=c++20 -I. bench/forums_occurrences.cpp "$BUILD/libdelvex_forums.a" -ldate-tz -o "$OUT/occurrences"
# shellcheck disable=SC2086
g++ -O2 $FLAGS -DDELVEX_SOURCE_DIR="\"$PWD\"" bench/forums_fanout.cpp $LIBS $EXT -o "$OUT/fanout"

echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) =="
echo "== 1. next 1,000 occurrences of 1,000 series =="
"$OUT/occurrences" "$RUNS"
echo "== reference: python-dateutil, 100 of the same series (x10 to compare) =="
/usr/bin/python3 bench/forums_occurrences_ref.py 100 3
echo "== 2. reminder / announcement to a room of 10,000 members =="
"$OUT/fanout" "$OUT" "$RUNS" 10000
echo "== load: $(cut -d' ' -f1-3 /proc/loadavg) =="
