#!/usr/bin/env bash
# Public lookups flood: does a flood of unauthenticated GETs of /forums/{room}.ics and /certificates/{code}
# slow the answers to Meta's webhooks? Per round, on one `delvex serve` (database_durable: false, io_threads
# 2, one forum series in two rooms): webhooks alone (the reference), then the same webhook load while a
# second wrk floods the lookups. Webhook load: 1 wrk thread, 8 connections, each waiting WRK_DELAY_MS
# (default 4) before each request: about 2,000 webhooks a second, paced as Meta's are (80 messages a second
# and their statuses on a standard number, ~1,000 on an upgraded one), not as many as the service takes.
# Usage: bench/webhook/flood.sh [rounds=5] [seconds=10] [flood_connections=64]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=${1:-5}
secs=${2:-10}
flood=${3:-64}
bin="${DELVEX_BIN:-$root/build/delvex}"

for tool in wrk curl; do
  command -v "$tool" >/dev/null || { apt-get install -y -qq wrk curl >/dev/null; break; }
done
[ -x "$bin" ] || { echo "build first: ./scripts/test.sh (or cmake --build build --target delvex)" >&2; exit 1; }

work="$(mktemp -d /tmp/delvex-flood-XXXXXX)"
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
secret="flood-app-secret-$(date +%s)"
per_thread=$(( 20000 * secs * 2 ))
python3 "$here/gen_bodies.py" --secret "$secret" --count "$per_thread" --files 1 --prefix "$work/req"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -fs -o /dev/null "http://127.0.0.1:$1$2" && return 0; sleep 0.05; done; return 1; }
hooks() { WRK_DELAY_MS=${WRK_DELAY_MS:-4} wrk -t1 -c8 -d"${secs}s" --latency -s "$here/wrk.lua" "http://127.0.0.1:$1" -- "$work/req"; }
lookups() { wrk -t1 -c"$flood" -d"$((secs + 1))s" -s "$here/lookups.lua" "http://127.0.0.1:$1"; }
ms() { awk -v p="$2" '$1 == p { v=$2; if (v ~ /us$/) { sub(/us$/,"",v); v/=1000 } else if (v ~ /ms$/) { sub(/ms$/,"",v) } else if (v ~ /s$/) { sub(/s$/,"",v); v*=1000 } printf "%.2f", v }' "$1"; }
rps() { awk '/^Requests\/sec:/ {print $2}' "$1"; }

port=$(free_port)
printf 'database_durable: false\nio_threads: 2\n' > "$work/c.yaml"
DELVEX_LISTEN="127.0.0.1:$port" DELVEX_DB="$work/delvex.db" DELVEX_HOME="$root" \
WHATSAPP_GRAPH_URL="http://127.0.0.1:9" WHATSAPP_PHONE_NUMBER_ID=106540352242922 \
WHATSAPP_ACCESS_TOKEN=bench-token WHATSAPP_APP_SECRET="$secret" WHATSAPP_VERIFY_TOKEN=bench \
DELVEX_ADMIN_TOKEN=flood-admin-token-0123456789abcdef \
  "$bin" serve --config "$work/c.yaml" 2> "$work/delvex.log" &
pid=$!
wait_http "$port" /healthz
for room in east-africa latin-america; do
  curl -fs -o /dev/null -H 'Authorization: Bearer flood-admin-token-0123456789abcdef' -H 'Content-Type: application/json' \
    -d "{\"room\":\"$room\",\"title\":\"Monthly forum\",\"rrule\":\"FREQ=MONTHLY;BYDAY=1TH\",\"start\":\"2027-01-07T15:00\",\"join_kind\":\"link\",\"join_info\":\"https://meet.example.org/x\"}" \
    "http://127.0.0.1:$port/api/v1/forums"
done

for r in $(seq 1 "$rounds"); do
  hooks "$port" > "$work/alone.$r.txt"
  lookups "$port" > "$work/flood.$r.txt" &
  fpid=$!
  sleep 0.5  # the flood is under way before the webhooks start
  hooks "$port" > "$work/with.$r.txt"
  wait "$fpid" || true
  non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/flood.$r.txt"); non2xx=${non2xx:-0}
  echo "round $r  alone p50 $(ms "$work/alone.$r.txt" 50%) ms p99 $(ms "$work/alone.$r.txt" 99%) ms $(rps "$work/alone.$r.txt") req/s | with flood p50 $(ms "$work/with.$r.txt" 50%) ms p99 $(ms "$work/with.$r.txt" 99%) ms $(rps "$work/with.$r.txt") req/s | flood $(rps "$work/flood.$r.txt") req/s, refused (503) $non2xx"
done | tee "$work/summary.txt"
kill -TERM "$pid"; wait "$pid" || true

python3 - "$work/summary.txt" <<'PY'
import re, statistics, sys
rows = [l for l in open(sys.argv[1]) if l.startswith("round")]
def col(pat):
    return [float(re.search(pat, l).group(1)) for l in rows]
a99 = col(r"alone p50 [\d.]+ ms p99 ([\d.]+)"); w99 = col(r"with flood p50 [\d.]+ ms p99 ([\d.]+)")
a50 = col(r"alone p50 ([\d.]+)"); w50 = col(r"with flood p50 ([\d.]+)")
print(f"median webhook p50 alone {statistics.median(a50):.2f} ms, with flood {statistics.median(w50):.2f} ms")
print(f"median webhook p99 alone {statistics.median(a99):.2f} ms, with flood {statistics.median(w99):.2f} ms "
      f"(target: under 10 ms with the flood)")
PY
