#!/usr/bin/env bash
# The console's pages on a year of a 100,000-member programme: seeds a database (bench_console_queries, the
# same seeder as the queries' benchmark), makes an admin account, starts `delvex serve` on it, and times
# every page with bench/console/pages.py. Usage: bench/console/run.sh [BUILD_DIR] [RUNS]
# BENCH_REUSE=1 keeps a database seeded by an earlier run.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build}
RUNS=${2:-30}
DB=${BENCH_DB:-/tmp/delvex-console-pages.db}
cmake --build "$BUILD" --target delvex bench_console_queries >/dev/null
if [ "${BENCH_REUSE:-0}" != 1 ] || [ ! -f "$DB" ]; then
  rm -f "$DB" "$DB"-wal "$DB"-shm
  "$BUILD"/bench_console_queries "$DB" 1 >/dev/null
fi
export DELVEX_DB="$DB" DELVEX_HOME="$PWD" DELVEX_LOG_LEVEL=warn DELVEX_BUSINESS_NUMBER="+254 700 000 000"
# Sending is not measured here: the Graph API is a closed port and sending stays halted.
export WHATSAPP_GRAPH_URL=http://127.0.0.1:9 WHATSAPP_PHONE_NUMBER_ID=1 WHATSAPP_ACCESS_TOKEN=bench \
       WHATSAPP_APP_SECRET=bench-secret WHATSAPP_VERIFY_TOKEN=bench
printf 'bench password 1\n' | "$BUILD"/delvex console add-user --name bench --role admin >/dev/null 2>&1 || true
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
DELVEX_LISTEN=127.0.0.1:$PORT "$BUILD"/delvex serve > /tmp/delvex-console-pages.log 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null || true' EXIT
# Wait until it is ready (a first start on a fresh year of data checkpoints the seeder's WAL and purges what
# retention no longer keeps), up to five minutes.
for _ in $(seq 1 1500); do
  curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $RUNS runs a page"
/usr/bin/python3 bench/console/pages.py "http://127.0.0.1:$PORT" bench 'bench password 1' "$RUNS"
