#!/usr/bin/env bash
# Builds the Dockerfile with podman and checks the image as an operator would run it:
#   - it runs as a non-root user (uid 10001), with a read-only root filesystem (--read-only), the database on
#     a mounted volume;
#   - /healthz and /readyz answer 200 through the published port;
#   - a signed webhook gets 200 (and a badly signed one 401), and lands in the database on the volume;
#   - `delvex --version` names the commit; SIGTERM (podman stop) ends it cleanly with exit code 0.
#
# An operator's and developer's check, not part of ./scripts/test.sh (a build inside the image takes long).
#   scripts/container-smoke.sh               build (with the whole test suite inside, as the Dockerfile does) and check
#   scripts/container-smoke.sh --skip-tests  build without running the tests inside (DELVEX_RUN_TESTS=0)
#   scripts/container-smoke.sh --no-build    check an image built before (IMAGE, default delvex:local)
#   scripts/container-smoke.sh --prebuilt build/delvex
#                                            the image around a binary built on this (Debian 12) host instead of
#                                            compiling inside (DELVEX_PREBUILT=1): checks the image, not the build
# Podman as set up on a Debian 12 machine without a registry: docs/TESTING.md ("Container smoke test").
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-delvex:local}
PORT=${PORT:-18080}
BUILD=1
RUN_TESTS=1
PREBUILT=""
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-tests) RUN_TESTS=0 ;;
    --no-build) BUILD=0 ;;
    --prebuilt) PREBUILT=${2:?--prebuilt needs the binary}; RUN_TESTS=0; shift ;;
    *) echo "usage: $0 [--skip-tests] [--no-build] [--prebuilt BINARY]" >&2; exit 2 ;;
  esac
  shift
done

command -v podman >/dev/null || { echo "container-smoke: podman is not installed (apt-get install podman runc)" >&2; exit 2; }
# The runtime and cgroup manager that work in these sandboxes (see docs/TESTING.md); overridable.
PODMAN_RUN_OPTS=${PODMAN_RUN_OPTS:---runtime runc --cgroup-manager=cgroupfs}
# shellcheck disable=SC2206
RUN=(podman $PODMAN_RUN_OPTS)

APP_SECRET="smoke-app-secret-$RANDOM$RANDOM"
VERIFY_TOKEN="smoke-verify-$RANDOM"
NAME="delvex-smoke-$$"
VOLUME="delvex-smoke-$$"
WORK=$(mktemp -d)
failures=0

cleanup() {
  "${RUN[@]}" rm -f "$NAME" >/dev/null 2>&1 || true
  podman volume rm -f "$VOLUME" >/dev/null 2>&1 || true
  rm -rf "$WORK"
  if [ -n "$PREBUILT" ]; then rm -rf prebuilt; fi
}
trap cleanup EXIT

check() {  # check NAME CONDITION-RESULT(0/1) DETAIL
  if [ "$2" -eq 0 ]; then
    echo "ok    $1${3:+ ($3)}"
  else
    echo "FAIL  $1${3:+ ($3)}"
    failures=$((failures + 1))
  fi
}

if [ "$BUILD" -eq 1 ]; then
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
  start=$(date +%s)
  prebuilt_arg=0
  if [ -n "$PREBUILT" ]; then
    mkdir -p prebuilt && install -m 755 "$PREBUILT" prebuilt/delvex
    prebuilt_arg=1
  fi
  podman rmi -f "$IMAGE" >/dev/null 2>&1 || true
  if ! podman build --isolation=chroot --pull=never -t "$IMAGE" --build-arg DELVEX_GIT_COMMIT="$commit" \
      --build-arg DELVEX_RUN_TESTS="$RUN_TESTS" --build-arg DELVEX_PREBUILT="$prebuilt_arg" . >"$WORK/build.log" 2>&1 \
      || ! podman image exists "$IMAGE"; then
    tail -n 60 "$WORK/build.log"; echo "FAIL  podman build (log above)"; exit 1
  fi
  what=$([ -n "$PREBUILT" ] && echo "binary from $PREBUILT" || echo "compiled inside")
  echo "ok    podman build ($(( $(date +%s) - start )) s, $what, tests inside: $([ "$RUN_TESTS" -eq 1 ] && echo yes || echo skipped))"
  if [ "$RUN_TESTS" -eq 1 ]; then
    grep -E "tests passed|tests failed" "$WORK/build.log" | tail -n 1 | sed 's/^/      /' || true
  fi
fi

version=$("${RUN[@]}" run --rm --pull=never --read-only "$IMAGE" --version 2>&1) || true
check "delvex --version in the image" "$([[ "$version" == delvex\ *\(commit\ * ]] && echo 0 || echo 1)" "$version"
size=$(podman image inspect "$IMAGE" --format '{{.Size}}' 2>/dev/null || echo 0)
echo "info  image size $((size / 1024 / 1024)) MiB"

podman volume create "$VOLUME" >/dev/null
"${RUN[@]}" run -d --name "$NAME" --pull=never --read-only --cap-drop=ALL --security-opt no-new-privileges \
  -p "127.0.0.1:$PORT:8080" -v "$VOLUME:/var/lib/delvex" \
  -e WHATSAPP_PHONE_NUMBER_ID=106540352242922 -e WHATSAPP_ACCESS_TOKEN=smoke-token \
  -e WHATSAPP_APP_SECRET="$APP_SECRET" -e WHATSAPP_VERIFY_TOKEN="$VERIFY_TOKEN" \
  -e WHATSAPP_GRAPH_URL=http://127.0.0.1:9 \
  "$IMAGE" serve --log-format json >/dev/null

# Wait (bounded) for /healthz through the published port.
ok=1
for _ in $(seq 1 150); do
  if curl -fsS --max-time 2 "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1; then ok=0; break; fi
  sleep 0.2
done
check "/healthz through 127.0.0.1:$PORT" "$ok"
ready=$(curl -sS --max-time 5 -w '%{http_code}' -o "$WORK/ready" "http://127.0.0.1:$PORT/readyz" || true)
check "/readyz through the published port" "$([ "$ready" = 200 ] && echo 0 || echo 1)" "$ready: $(tr '\n' ';' <"$WORK/ready")"

uid=$("${RUN[@]}" exec "$NAME" id -u 2>/dev/null || echo "?")
check "runs as a non-root user" "$([ "$uid" != 0 ] && [ "$uid" != "?" ] && echo 0 || echo 1)" "uid $uid"
pid1_uid=$("${RUN[@]}" exec "$NAME" sh -c 'awk "/^Uid:/ {print \$2}" /proc/1/status' 2>/dev/null || echo "?")
check "the service process (pid 1) is not root" "$([ "$pid1_uid" != 0 ] && [ "$pid1_uid" != "?" ] && echo 0 || echo 1)" "uid $pid1_uid"
ro=$(podman inspect "$NAME" --format '{{.HostConfig.ReadonlyRootfs}}' 2>/dev/null || echo "?")
if "${RUN[@]}" exec "$NAME" sh -c 'touch /usr/local/bin/x' >/dev/null 2>&1; then wrote=1; else wrote=0; fi
check "root filesystem is read-only" "$([ "$ro" = true ] && [ "$wrote" -eq 0 ] && echo 0 || echo 1)" "ReadonlyRootfs=$ro"

# A signed webhook (X-Hub-Signature-256: HMAC-SHA256 of the body with the app secret) and a forged one.
body='{"object":"whatsapp_business_account","entry":[{"id":"100000000000009","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550000000","phone_number_id":"106540352242922"},"contacts":[{"profile":{"name":"Smoke"},"wa_id":"254700000099"}],"messages":[{"from":"254700000099","id":"wamid.smoke1","timestamp":"'"$(date +%s)"'","type":"text","text":{"body":"hello"}}]}}]}]}'
sig=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$APP_SECRET" -r | cut -d' ' -f1)
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "X-Hub-Signature-256: sha256=$sig" --data-binary "$body" "http://127.0.0.1:$PORT/webhook" || true)
check "signed webhook answered 200" "$([ "$code" = 200 ] && echo 0 || echo 1)" "$code"
code=$(curl -sS --max-time 5 -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
  -H "X-Hub-Signature-256: sha256=$(printf '0%.0s' $(seq 64))" --data-binary "$body" "http://127.0.0.1:$PORT/webhook" || true)
check "forged webhook refused 401" "$([ "$code" = 401 ] && echo 0 || echo 1)" "$code"
challenge=$(curl -sS --max-time 5 "http://127.0.0.1:$PORT/webhook?hub.mode=subscribe&hub.verify_token=$VERIFY_TOKEN&hub.challenge=1158201444" || true)
check "webhook verification answers the challenge" "$([ "$challenge" = 1158201444 ] && echo 0 || echo 1)"
stored=0
for _ in $(seq 1 50); do
  n=$("${RUN[@]}" exec "$NAME" sqlite3 -readonly /var/lib/delvex/delvex.db 'SELECT count(*) FROM inbox' 2>/dev/null || echo 0)
  if [ "${n:-0}" -ge 1 ]; then stored=1; break; fi
  sleep 0.2
done
check "the webhook is in the database on the volume" "$([ "$stored" -eq 1 ] && echo 0 || echo 1)"
metrics=$(curl -sS --max-time 5 "http://127.0.0.1:$PORT/metrics" || true)
check "/metrics has delvex_build_info" "$(grep -q '^delvex_build_info{' <<<"$metrics" && echo 0 || echo 1)" \
  "$(grep '^delvex_build_info{' <<<"$metrics" || true)"

# SIGTERM: podman stop sends the image's STOPSIGNAL and waits; the exit code must be 0, well before the kill.
start=$(date +%s)
podman stop -t 30 "$NAME" >/dev/null
elapsed=$(( $(date +%s) - start ))
exit_code=$(podman inspect "$NAME" --format '{{.State.ExitCode}}' 2>/dev/null || echo "?")
check "clean exit on SIGTERM" "$([ "$exit_code" = 0 ] && [ "$elapsed" -lt 30 ] && echo 0 || echo 1)" \
  "exit $exit_code after ${elapsed} s"
logs=$("${RUN[@]}" logs "$NAME" 2>&1 || true)
check "logs are JSON lines ending with 'stopped'" \
  "$(tail -n 1 <<<"$logs" | grep -q '"message":"stopped"' && echo 0 || echo 1)"
if grep -q "$APP_SECRET\|254700000099" <<<"$logs"; then leak=1; else leak=0; fi
check "no secret and no full number in the logs" "$leak"

if [ "$failures" -gt 0 ]; then
  echo "container-smoke: $failures check(s) failed"
  echo "--- container log ---"; echo "$logs" | tail -n 40
  exit 1
fi
echo "container-smoke: all checks passed"
