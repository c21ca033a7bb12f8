#!/usr/bin/env bash
# Webhook ingestion benchmark: `delvex serve` (every 200 durably committed: SQLite WAL, synchronous=FULL)
# against a plain nginx answering 200 to the same pre-signed requests, in the same run, alternating.
# Usage: bench/webhook/run.sh [rounds=3] [seconds=10] [connections=32]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=${1:-3}
secs=${2:-10}
conns=${3:-32}
bin="$root/build/delvex"

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "installing wrk nginx-light curl" >&2; apt-get install -y -qq wrk nginx-light curl >/dev/null; break; }
done
[ -x "$bin" ] || { echo "build first: ./scripts/test.sh (or cmake --build build --target delvex)" >&2; exit 1; }

work="$(mktemp -d /tmp/delvex-bench-XXXXXX)"
trap 'pkill -F /tmp/delvex-bench-nginx.pid 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
secret="bench-app-secret-$(date +%s)"
per_thread=$(( 45000 * secs ))   # more than one wrk thread can send, so no request repeats
echo "generating $((2 * per_thread)) signed requests..." >&2
python3 "$here/gen_bodies.py" --secret "$secret" --count "$per_thread" --files 2 --prefix "$work/req"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.05; done; return 1; }
run_wrk() { wrk -t2 -c"$conns" -d"${secs}s" --latency -s "$here/wrk.lua" "http://127.0.0.1:$1" -- "$work/req"; }
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
pct() { awk -v p="$2" '$1 == p {print $2}' "$1"; }

for r in $(seq 1 "$rounds"); do
  port=$(free_port)
  sed "s/PORT/$port/" "$here/nginx.conf" > "$work/nginx.conf"
  nginx -c "$work/nginx.conf" -p "$work" &
  wait_http "$port" /
  run_wrk "$port" > "$work/nginx.$r.txt"
  pkill -F /tmp/delvex-bench-nginx.pid; wait || true

  port=$(free_port)
  DELVEX_LISTEN="127.0.0.1:$port" DELVEX_DB="$work/delvex.$r.db" DELVEX_HOME="$root" \
  WHATSAPP_GRAPH_URL="http://127.0.0.1:9" WHATSAPP_PHONE_NUMBER_ID=106540352242922 \
  WHATSAPP_ACCESS_TOKEN=bench-token WHATSAPP_APP_SECRET="$secret" WHATSAPP_VERIFY_TOKEN=bench \
    "$bin" serve 2> "$work/delvex.$r.log" &
  pid=$!
  wait_http "$port" /healthz
  run_wrk "$port" > "$work/delvex.$r.txt"
  curl -fs "http://127.0.0.1:$port/metrics" > "$work/metrics.$r.txt"
  kill -TERM "$pid"; wait "$pid" || true
  stored=$(awk '/^delvex_events_stored_total/ {print $2}' "$work/metrics.$r.txt")
  dups=$(awk '/^delvex_events_duplicate_total/ {print $2}' "$work/metrics.$r.txt")
  commits=$(awk '/^delvex_group_commits_total/ {print $2}' "$work/metrics.$r.txt")
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/delvex.$r.txt"); non2xx=${non2xx:-0}
  printf 'round %d  nginx %10s req/s p50 %-8s p99 %-8s | delvex %10s req/s p50 %-8s p99 %-8s stored=%s duplicates=%s commits=%s non-2xx=%s\n' \
    "$r" "$(rps "$work/nginx.$r.txt")" "$(pct "$work/nginx.$r.txt" 50%)" "$(pct "$work/nginx.$r.txt" 99%)" \
    "$(rps "$work/delvex.$r.txt")" "$(pct "$work/delvex.$r.txt" 50%)" "$(pct "$work/delvex.$r.txt" 99%)" \
    "$stored" "$dups" "$commits" "$non2xx"
  grep -h WARNING "$work/delvex.$r.txt" "$work/nginx.$r.txt" || true
done | tee "$work/summary.txt"

python3 - "$work/summary.txt" <<'PY'
import re, statistics, sys
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
n, d, d99 = [], [], []
for line in open(sys.argv[1]):
    m = re.search(r"nginx\s+([\d.]+) req/s p50 (\S+)\s+p99 (\S+)\s+\| delvex\s+([\d.]+) req/s p50 (\S+)\s+p99 (\S+)", line)
    if m:
        n.append(float(m.group(1))); d.append(float(m.group(4))); d99.append(ms(m.group(6)))
ratios = [b / a for a, b in zip(n, d)]
print("median: nginx %.0f req/s, delvex %.0f req/s, ratio %.2f (per round: %s), delvex p99 %.2f ms"
      % (statistics.median(n), statistics.median(d), statistics.median(ratios),
         ", ".join("%.2f" % r for r in ratios), statistics.median(d99)))
PY
