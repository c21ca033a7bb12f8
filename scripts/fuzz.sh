#!/usr/bin/env bash
# Runs every libFuzzer target (tests/fuzz) for a chosen time each, one after the other.
#
#   scripts/fuzz.sh                 60 s per target
#   scripts/fuzz.sh 600             10 minutes per target
#   scripts/fuzz.sh 30 fuzz_rrule   only the named targets
#
# Builds build-fuzz with Clang 14 (-DDELVEX_FUZZ=ON) if needed, makes seed corpora from tests/fixtures (and
# tests/fuzz/seeds), keeps what each run learns in build-fuzz/fuzz/corpus/<target>, and prints one line per
# target: executions, coverage, corpus size and whether it found anything. A finding leaves its input in
# build-fuzz/fuzz/artifacts/<target>/ (replay it: build-fuzz/<target> FILE) and makes the script exit 1.
# Runs at nice 19: the fuzzers use one core. DELVEX_FUZZ_BUILD overrides the build folder.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

seconds=${1:-60}
shift || true
all_targets=(fuzz_webhook fuzz_update fuzz_signature fuzz_config fuzz_codec fuzz_rrule fuzz_academy fuzz_community fuzz_landing fuzz_admin)
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=("${all_targets[@]}")
fi
case "$seconds" in
    '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2; exit 2 ;;
esac

build=${DELVEX_FUZZ_BUILD:-$root/build-fuzz}
if ! ls /usr/lib/llvm-14/lib/clang/14*/lib/linux/ 2>/dev/null | grep -q 'libclang_rt.fuzzer-x86_64'; then
    echo "fuzz.sh: libFuzzer is missing: sudo apt-get install -y clang-14 libclang-rt-14-dev" >&2
    exit 2
fi
if [ ! -f "$build/build.ninja" ]; then
    cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
        -DDELVEX_FUZZ=ON >/dev/null
fi
nice -n 10 cmake --build "$build" --target delvex_fuzz -j2 >/dev/null

work=$build/fuzz
mkdir -p "$work"

# --- seed corpora, rebuilt each run from the fixtures (the learned corpus is kept apart) ---
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_webhook,fuzz_update,fuzz_signature,fuzz_config,fuzz_codec,fuzz_rrule,fuzz_academy,fuzz_community,fuzz_landing,fuzz_admin}

cp tests/fixtures/webhooks/*.json "$seeds/fuzz_webhook/"

# The stored form of every update the webhook fixtures hold, written by split_envelope itself.
DELVEX_FUZZ_SEED_OUT="$seeds/fuzz_update" "$build/fuzz_webhook" tests/fixtures/webhooks/*.json \
    >/dev/null 2>&1 </dev/null

cp tests/fuzz/seeds/signature/* "$seeds/fuzz_signature/"
i=0
for f in tests/fixtures/webhooks/text.json tests/fixtures/webhooks/batch.json tests/fixtures/webhooks/status_read.json; do
    sig=$(openssl dgst -sha256 -hmac fuzz-app-secret -r <"$f" | cut -d' ' -f1)
    { printf 'sha256=%s\n' "$sig"; cat "$f"; } >"$seeds/fuzz_signature/signed-$i.txt"
    i=$((i + 1))
done

cp tests/fuzz/seeds/config/* config/delvex.example.yaml "$seeds/fuzz_config/"
cp tests/fuzz/seeds/codec/* "$seeds/fuzz_codec/"
cp tests/fuzz/seeds/community/* "$seeds/fuzz_community/"
cp tests/fuzz/seeds/landing/* "$seeds/fuzz_landing/"
cp tests/fuzz/seeds/admin/* "$seeds/fuzz_admin/"

# Every RRULE the forum tests use, in a few zones and starts (DST gaps and overlaps included).
i=0
zones=(America/Lima Europe/Paris America/Sao_Paulo Africa/Kinshasa Pacific/Apia)
starts=(2027-01-07T15:00 2027-03-28T02:30 2026-10-25T02:30:00 2027-02-28T23:59:59 2028-02-29T09:00)
grep -oh '"\(RRULE:\)\?FREQ=[^"]*"' tests/unit/forums/*.cpp | sort -u | tr -d '"' | while read -r rule; do
    z=${zones[$((i % ${#zones[@]}))]}
    s=${starts[$((i % ${#starts[@]}))]}
    printf '%s\n%s\n%s' "$rule" "$z" "$s" >"$seeds/fuzz_rrule/rule-$i.txt"
    i=$((i + 1))
done

# Academy: each fixture module (module.yaml + its lesson) and each real module with each of its lessons.
i=0
for module in tests/fixtures/academy/*/demo academy-content/*/; do
    module=${module%/}
    [ -f "$module/module.yaml" ] || continue
    for lesson in "$module"/*.yaml; do
        [ "$(basename "$lesson")" = module.yaml ] && continue
        { cat "$module/module.yaml"; printf '\n---8<---\n'; cat "$lesson"; } >"$seeds/fuzz_academy/module-$i.yaml"
        i=$((i + 1))
    done
done

# --- the runs ---
status=0
summary=$work/summary.txt
: >"$summary"
printf '%-15s %8s %12s %10s %8s %8s  %s\n' target seconds executions exec/s cov corpus result | tee -a "$summary"
for t in "${targets[@]}"; do
    corpus=$work/corpus/$t
    artifacts=$work/artifacts/$t
    log=$work/$t.log
    mkdir -p "$corpus" "$artifacts"
    set +e
    nice -n 19 "$build/$t" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" "$seeds/$t" </dev/null >"$log" 2>&1
    rc=$?
    set -e
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    rate=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | grep -o '[0-9]*$' || true)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*' || true)
    size=$(find "$corpus" -type f | wc -l)
    result="no finding"
    if [ $rc -ne 0 ]; then
        result="FINDING (exit $rc): see $log and $artifacts/"
        status=1
    fi
    printf '%-15s %8s %12s %10s %8s %8s  %s\n' "$t" "$seconds" "${execs:-?}" "${rate:-?}" "${cov:-?}" "$size" \
        "$result" | tee -a "$summary"
done
exit $status
