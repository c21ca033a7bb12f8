#!/usr/bin/env bash
# Webhook ingestion benchmark: a plain nginx answering 200 to pre-signed requests, then `delvex serve` on the
# same requests twice, in the same run, alternating:
#   full   — database_durable: true (the default): each 200 waits for its commit to be fsynced (survives a
#            power cut as well as a kill -9);
#   normal — database_durable: false: each 200 waits for its commit to reach the OS (survives a kill -9 of
#            the service, the issue's definition of committed, but not a power cut).
# Usage: [IO_THREADS=2] bench/webhook/run.sh [rounds=3] [seconds=10] [connections=32]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds=${1:-3}
secs=${2:-10}
conns=${3:-32}
bin="${DELVEX_BIN:-$root/build/delvex}"

for tool in wrk nginx curl; do
  command -v "$tool" >/dev/null || { echo "installing wrk nginx-light curl" >&2; apt-get install -y -qq wrk nginx-light curl >/dev/null; break; }
done
[ -x "$bin" ] || { echo "build first: ./scripts/test.sh (or cmake --build build --target delvex)" >&2; exit 1; }

work="$(mktemp -d /tmp/delvex-bench-XXXXXX)"
trap 'pkill -F /tmp/delvex-bench-nginx.pid 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
secret="bench-app-secret-$(date +%s)"
per_thread=$(( 60000 * secs ))   # more than one wrk thread can send, so no request repeats
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

  line="round $r  nginx $(printf '%10s' "$(rps "$work/nginx.$r.txt")") req/s p50 $(pct "$work/nginx.$r.txt" 50%) p99 $(pct "$work/nginx.$r.txt" 99%)"
  for mode in full normal; do
    port=$(free_port)
    printf 'database_durable: %s\nio_threads: %s\n' "$([ $mode = full ] && echo true || echo false)" "${IO_THREADS:-2}" > "$work/$mode.yaml"
    DELVEX_LISTEN="127.0.0.1:$port" DELVEX_DB="$work/delvex.$mode.$r.db" DELVEX_HOME="$root" \
    WHATSAPP_GRAPH_URL="http://127.0.0.1:9" WHATSAPP_PHONE_NUMBER_ID=106540352242922 \
    WHATSAPP_ACCESS_TOKEN=bench-token WHATSAPP_APP_SECRET="$secret" WHATSAPP_VERIFY_TOKEN=bench \
      "$bin" serve --config "$work/$mode.yaml" 2> "$work/delvex.$mode.$r.log" &
    pid=$!
    wait_http "$port" /healthz
    run_wrk "$port" > "$work/$mode.$r.txt"
    curl -fs "http://127.0.0.1:$port/metrics" > "$work/metrics.$mode.$r.txt"
    # How long the service then takes to import and apply what it answered during the run.
    drain_start=$(date +%s.%N); drained=timeout
    for _ in $(seq 1 3000); do
      m=$(curl -fs "http://127.0.0.1:$port/metrics")
      if [ "$(awk '/^delvex_landing_backlog_bytes/ {print $2}' <<<"$m")" = 0 ] && \
         [ "$(awk '/^delvex_inbox_backlog/ {print $2}' <<<"$m")" = 0 ]; then
        drained=$(python3 -c "print('%.1fs' % ($(date +%s.%N) - $drain_start))"); break
      fi
      sleep 0.1
    done
    kill -TERM "$pid"; wait "$pid" || true
    answered=$(awk '/requests in/ {print $1}' "$work/$mode.$r.txt")
    stored=$(awk '/^delvex_events_stored_total/ {print $2}' "$work/metrics.$mode.$r.txt")
    dups=$(awk '/^delvex_events_duplicate_total/ {print $2}' "$work/metrics.$mode.$r.txt")
    commits=$(awk '/^delvex_group_commits_total/ {print $2}' "$work/metrics.$mode.$r.txt")
    backlog=$(awk '/^delvex_inbox_backlog/ {print $2}' "$work/metrics.$mode.$r.txt")
    landed=$(awk '/^delvex_webhooks_landed_total/ {print $2}' "$work/metrics.$mode.$r.txt")
    unimported=$(awk '/^delvex_landing_backlog_bytes/ {print $2}' "$work/metrics.$mode.$r.txt")
    non2xx=$(awk '/Non-2xx/ {print $NF}' "$work/$mode.$r.txt"); non2xx=${non2xx:-0}
    line="$line | $mode $(printf '%9s' "$(rps "$work/$mode.$r.txt")") req/s p50 $(pct "$work/$mode.$r.txt" 50%) p99 $(pct "$work/$mode.$r.txt" 99%) answered=$answered landed=$landed stored=$stored dup=$dups appends=$commits unimported_bytes=$unimported unapplied=$backlog non2xx=$non2xx drained_in=$drained"
  done
  echo "$line"
  grep -h WARNING "$work"/full.$r.txt "$work"/normal.$r.txt || true
done | tee "$work/summary.txt"

python3 - "$work/summary.txt" <<'PY'
import re, statistics, sys
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
rows = {"nginx": [], "full": [], "normal": []}
for line in open(sys.argv[1]):
    for name in rows:
        m = re.search(name + r"\s+([\d.]+) req/s p50 (\S+) p99 (\S+)", line)
        if m:
            rows[name].append((float(m.group(1)), ms(m.group(2)), ms(m.group(3))))
nginx = [r[0] for r in rows["nginx"]]
print("median nginx %.0f req/s p99 %.2f ms" % (statistics.median(nginx), statistics.median(r[2] for r in rows["nginx"])))
for name in ("full", "normal"):
    rps = [r[0] for r in rows[name]]
    ratios = [b / a for a, b in zip(nginx, rps)]
    print("median delvex %-6s %.0f req/s (ratio to nginx %.2f; per round %s) p50 %.2f ms p99 %.2f ms"
          % (name, statistics.median(rps), statistics.median(ratios), ", ".join("%.2f" % x for x in ratios),
             statistics.median(r[1] for r in rows[name]), statistics.median(r[2] for r in rows[name])))
PY
