#!/usr/bin/env bash
# Installs the Debian 12 packages delvex needs to build, test and run, if any is missing.
# Sourced by demo.sh and test.sh; safe to run again.
set -euo pipefail

DELVEX_PACKAGES=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libssl-dev nlohmann-json3-dev libsqlitecpp-dev libspdlog-dev libgtest-dev
  libhowardhinnant-date-dev libyaml-cpp-dev libcli11-dev libsimdjson-dev zlib1g-dev libcairo2-dev
  fonts-dejavu-core
  tzdata ca-certificates python3 python3-icalendar
)

missing=()
for p in "${DELVEX_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "delvex: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
