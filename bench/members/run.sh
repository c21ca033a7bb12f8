#!/usr/bin/env bash
# `delvex members import` of a million rows: wall time and peak memory (GNU time's maximum resident set size)
# for a good file and for a file with one systematic mistake (every number a digit short), each on a fresh
# database, `rounds` times (default 3); then the medians. The number of lines the mistaken import printed is
# counted too (the first 50 problems, a count per kind, the total).
#
#   bench/members/run.sh [build-dir] [rounds] [rows]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
ROUNDS=${2:-3}
ROWS=${3:-1000000}
DELVEX=${DELVEX_BIN:-$BUILD/delvex}
NEW_DB=${BENCH_NEW_DB:-$BUILD/bench_members_new_db}
TIME=/usr/bin/time
[ -x "$TIME" ] || { echo "needs GNU time (/usr/bin/time: apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 bench/members/members_million.py "$work/good.csv" --rows "$ROWS"
python3 bench/members/members_million.py "$work/mistake.csv" --rows "$ROWS" --mistake
echo "files: good $(du -h "$work/good.csv" | cut -f1), mistake $(du -h "$work/mistake.csv" | cut -f1), $ROWS rows"

run() {  # kind file → prints "seconds kB lines exit"
  local kind=$1 file=$2
  rm -f "$work/m.db" "$work/m.db-wal" "$work/m.db-shm"
  "$NEW_DB" "$work/m.db"
  set +e
  DELVEX_HOME="$PWD" DELVEX_DB="$work/m.db" "$TIME" -f "%e %M" -o "$work/time.txt" \
    "$DELVEX" members import "$file" >"$work/$kind.out" 2>&1
  local code=$?
  set -e
  # GNU time writes "Command exited with non-zero status N" first when the import refused the file.
  echo "$(tail -n 1 "$work/time.txt") $(wc -l <"$work/$kind.out") $code"
}

declare -A secs mem
for kind in good mistake; do secs[$kind]=""; mem[$kind]=""; done
for round in $(seq 1 "$ROUNDS"); do
  for kind in good mistake; do
    read -r s kb lines code < <(run "$kind" "$work/$kind.csv")
    echo "round $round $kind: ${s} s, peak RSS $((kb / 1024)) MB, $lines output lines, exit $code"
    secs[$kind]+="$s "
    mem[$kind]+="$kb "
  done
done
echo "last output of the mistaken import (tail):"
tail -n 3 "$work/mistake.out"
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for kind in good mistake; do
  echo "median $kind: $(echo "${secs[$kind]}" | median) s, peak RSS $(( $(echo "${mem[$kind]}" | median) / 1024 )) MB"
done
