#!/usr/bin/env bash
# Installs the packages delvex needs to build, test and run, if any is missing. Debian 12 (bookworm) and
# Debian 13 (trixie) alike (also Ubuntu 24.04): the package names are the same on both except Boost, which
# must be 1.81 or newer — Debian 12's default libboost-dev is 1.74, so there it is libboost1.81-dev; on
# Debian 13 libboost-dev is 1.83. Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail

DELVEX_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libssl-dev nlohmann-json3-dev libsqlitecpp-dev libspdlog-dev libgtest-dev
  libhowardhinnant-date-dev libyaml-cpp-dev libcli11-dev libsimdjson-dev zlib1g-dev libcairo2-dev
  # ICU's spoof checker (Unicode's confusables, UTS #39) refuses aliases that imitate another member.
  libicu-dev
  # The web console: argon2id password hashes, QR codes for the rooms' join links.
  libargon2-dev libqrencode-dev
  # libphonenumber normalises the numbers of `delvex members import` (a Kenyan 0712 345 678 becomes
  # 254712345678). Only the runtime library and what its headers include here: its headers come below.
  libphonenumber8 libprotobuf-dev libabsl-dev
  fonts-dejavu-core
  tzdata ca-certificates python3 python3-icalendar
)
# With --tests, also what the test suite drives: a real browser for the console's end-to-end tests (Debian's
# Chromium, its WebDriver and Selenium) and a QR code decoder (zbarimg) that reads the rooms' join codes.
DELVEX_TEST_PACKAGES=(chromium chromium-driver python3-selenium zbar-tools)
if [ "${1:-}" = "--tests" ]; then
  DELVEX_PACKAGES+=("${DELVEX_TEST_PACKAGES[@]}")
fi
BOOST_MIN=1.81

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

# A Boost development package of BOOST_MIN or newer already installed (libboost-dev or libboost1.NN-dev)?
boost_installed() {
  local pkg version
  while read -r pkg version; do
    if [ -n "$version" ] && installed "$pkg" && dpkg --compare-versions "$version" ge "$BOOST_MIN"; then
      return 0
    fi
  done < <(dpkg-query -W -f='${Package} ${Version}\n' 'libboost-dev' 'libboost1.*-dev' 2>/dev/null || true)
  return 1
}

missing=()
for p in "${DELVEX_PACKAGES[@]}"; do
  if ! installed "$p"; then
    missing+=("$p")
  fi
done
need_boost=0
if ! boost_installed; then
  need_boost=1
fi

if [ ${#missing[@]} -gt 0 ] || [ "$need_boost" -eq 1 ]; then
  $SUDO apt-get update -qq
  if [ "$need_boost" -eq 1 ]; then
    # The release's own libboost-dev when it is new enough, else the newest libboost1.NN-dev it has.
    candidate=$(apt-cache policy libboost-dev 2>/dev/null | awk '/Candidate:/ {print $2}')
    if [ -n "$candidate" ] && [ "$candidate" != "(none)" ] && dpkg --compare-versions "$candidate" ge "$BOOST_MIN"; then
      missing+=(libboost-dev)
    else
      newest=$(apt-cache search --names-only '^libboost1\.[0-9]+-dev$' 2>/dev/null | awk '{print $1}' \
               | sort -t. -k2,2n | tail -n 1)
      missing+=("${newest:-libboost1.81-dev}")
    fi
  fi
  echo "delvex: installing ${missing[*]}" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Boost.URL: Boost 1.81 (Debian 12) compiles it from its headers (boost/url/src.hpp); newer releases ship it
# as a library, and from 1.83 (Debian 13) src.hpp is still there but is only an #error ("discontinued").
boost_url_src=/usr/include/boost/url/src.hpp
if ! installed libboost-url-dev &&
   { [ ! -e "$boost_url_src" ] || grep -q discontinued "$boost_url_src"; }; then
  $SUDO apt-get update -qq
  echo "delvex: installing libboost-url-dev" >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libboost-url-dev >/dev/null
fi

# libphonenumber's headers. Debian 12's libphonenumber-dev depends on libboost-thread-dev, which there is Boost
# 1.74: installing it would REMOVE libboost1.81-dev, which delvex needs. The headers themselves work with any
# Boost (and delvex does not define I18N_PHONENUMBERS_USE_BOOST, so they use the standard library's mutex), so
# where the release's libboost-thread-dev is older than BOOST_MIN the package is downloaded, not installed, and
# only its headers are unpacked under PHONENUMBER_PREFIX, where CMakeLists.txt looks for them. Debian 13's
# libboost-thread-dev is 1.83: there libphonenumber-dev is installed like any other package.
PHONENUMBER_PREFIX=/usr/local/lib/delvex/phonenumber
if [ ! -e /usr/include/phonenumbers/phonenumberutil.h ] &&
   [ ! -e "$PHONENUMBER_PREFIX/usr/include/phonenumbers/phonenumberutil.h" ]; then
  $SUDO apt-get update -qq
  thread=$(apt-cache policy libboost-thread-dev 2>/dev/null | awk '/Candidate:/ {print $2}')
  if [ -n "$thread" ] && [ "$thread" != "(none)" ] && dpkg --compare-versions "$thread" ge "$BOOST_MIN"; then
    echo "delvex: installing libphonenumber-dev" >&2
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends libphonenumber-dev >/dev/null
  else
    echo "delvex: unpacking libphonenumber-dev's headers into $PHONENUMBER_PREFIX (its Boost $thread is older than $BOOST_MIN)" >&2
    tmp=$(mktemp -d)
    # apt-get download as root warns that the _apt user cannot write to the directory; the download works.
    chmod 0755 "$tmp"
    (cd "$tmp" && apt-get download -qq libphonenumber-dev)
    mkdir -p "$tmp/x"
    $SUDO mkdir -p "$PHONENUMBER_PREFIX/usr"
    dpkg-deb -x "$tmp"/libphonenumber-dev_*.deb "$tmp/x"
    $SUDO rm -rf "$PHONENUMBER_PREFIX/usr/include"
    $SUDO cp -r "$tmp/x/usr/include" "$PHONENUMBER_PREFIX/usr/include"
    rm -rf "$tmp"
  fi
fi
