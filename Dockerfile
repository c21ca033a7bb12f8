# syntax=docker/dockerfile:1
# delvex in two stages on Debian 12 (bookworm):
#   build    — the toolchain and -dev packages; builds with warnings as errors and runs the whole test suite,
#              so an image exists only for a tree whose tests pass;
#   runtime  — the binary, its shared libraries, config/ and academy-content/, running as an unprivileged
#              user, the database on a volume, a HEALTHCHECK on /healthz.
#
#   docker build -t delvex --build-arg DELVEX_GIT_COMMIT=$(git rev-parse --short=12 HEAD) .
#   docker run -d --name delvex --read-only -p 127.0.0.1:8080:8080 -v delvex-data:/var/lib/delvex \
#       --env-file /etc/delvex/env delvex                 # env file: WHATSAPP_* and DELVEX_ADMIN_TOKEN, chmod 600
#   docker exec delvex delvex backup --to /var/lib/delvex/backup-$(date +%F).db
#
# See docs/OPERATIONS.md (TLS in front, Meta registration, backups, halts).

FROM debian:12 AS build
ARG DEBIAN_FRONTEND=noninteractive
# The same package list as a developer's machine (scripts/deps.sh), installed in a layer of its own, with what
# the tests drive (Chromium and its WebDriver for the console's browser test, zbarimg for QR codes) when they run.
ARG DELVEX_RUN_TESTS=1
COPY scripts/deps.sh /tmp/deps.sh
RUN if [ "$DELVEX_RUN_TESTS" = 1 ]; then /tmp/deps.sh --tests; else /tmp/deps.sh; fi && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# .git is not in the build context: pass the commit for `delvex --version` and delvex_build_info
# (docker build --build-arg DELVEX_GIT_COMMIT=$(git rev-parse --short=12 HEAD) .).
ARG DELVEX_GIT_COMMIT=unknown
# DELVEX_RUN_TESTS (above), 1 by default: the whole test suite runs here, so an image exists only for a tree
# whose tests pass. scripts/container-smoke.sh --skip-tests sets 0 to check the image itself quickly.
# 1: take the binary from prebuilt/delvex in the build context instead of compiling (a binary built on a
# Debian 12 host; scripts/container-smoke.sh --prebuilt uses it to check the image in minutes, not for
# releases). Implies no tests.
ARG DELVEX_PREBUILT=0
RUN if [ "$DELVEX_PREBUILT" = 1 ]; then mkdir -p build && install -m 755 prebuilt/delvex build/delvex; \
    else cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDELVEX_WERROR=ON \
           -DDELVEX_GIT_COMMIT="${DELVEX_GIT_COMMIT}" \
      && if [ "$DELVEX_RUN_TESTS" = 1 ]; then cmake --build build --target delvex delvex_tests; \
         else cmake --build build --target delvex; fi; fi
# The tests open a thousand loopback connections (tests/integration/abuse_test.cpp) and bind 127.0.0.1:0.
# They run as an unprivileged user: the file-mode tests mean nothing for root, who can read anything.
RUN useradd --system --create-home --shell /bin/sh tester \
 && chown -R tester /src \
 && if [ "$DELVEX_RUN_TESTS" = 1 ] && [ "$DELVEX_PREBUILT" != 1 ]; then \
      runuser -u tester -- ctest --test-dir /src/build --output-on-failure -j2 --timeout 600; fi \
 && strip --strip-debug -o /src/delvex build/delvex

FROM debian:12-slim AS runtime
ARG DEBIAN_FRONTEND=noninteractive
# Exactly the shared libraries `ldd delvex` names (SQLiteCpp is linked statically), the time zone database
# for forums, CA certificates for graph.facebook.com, curl for the health check, sqlite3 for the operator's
# queries of docs/OPERATIONS.md; cairo and the DejaVu fonts draw the Academy's certificate cards.
# ICU (libicu72) checks that an alias does not imitate another member (Unicode look-alikes); libphonenumber8
# (with libprotobuf32) normalises the numbers of `delvex members import`; libargon2-1 hashes the console's
# passwords and libqrencode4 draws the rooms' join codes.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libssl3 libsqlite3-0 libspdlog1.10 libfmt9 libdate-tz3 libyaml-cpp0.7 libsimdjson14 zlib1g \
      libcairo2 libicu72 libphonenumber8 libprotobuf32 libargon2-1 libqrencode4 fonts-dejavu-core tzdata ca-certificates curl sqlite3 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 delvex \
 && useradd --system --uid 10001 --gid delvex --home-dir /var/lib/delvex --shell /usr/sbin/nologin delvex \
 && install -d -o delvex -g delvex -m 0700 /var/lib/delvex

COPY --from=build /src/delvex /usr/local/bin/delvex
COPY --from=build /src/config /opt/delvex/config
COPY --from=build /src/academy-content /opt/delvex/academy-content

ENV DELVEX_HOME=/opt/delvex \
    DELVEX_DB=/var/lib/delvex/delvex.db \
    DELVEX_LISTEN=0.0.0.0:8080
# The database (and its -wal/-shm files, created 0600) lives here; back it up with `delvex backup`.
VOLUME ["/var/lib/delvex"]
# Numeric, so that orchestrators can verify runAsNonRoot.
USER 10001:10001
WORKDIR /var/lib/delvex
EXPOSE 8080
# /healthz (alive) answers 200 once the service has started, until it stops; /readyz says whether it is ready
# (database writable, writer and consumer moving, sending not halted): use that one for routing, this one for
# restarts. The only writable place is the volume, so the container runs with --read-only too (see
# scripts/container-smoke.sh). If you change DELVEX_LISTEN's port, change it here too.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD curl -fsS --max-time 4 http://127.0.0.1:8080/healthz || exit 1
# SIGTERM (docker stop) stops accepting, answers what is in flight and exits 0.
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/local/bin/delvex"]
CMD ["serve"]
