#!/usr/bin/env bash
# Installs every Debian 12 package Sluice needs to build, run and test, and nothing when all are there.
# Used by both README commands and by .ci/run, so a fresh machine needs no other step.
set -euo pipefail

packages=(
  # toolchain
  cmake ninja-build g++ pkg-config git ccache
  # libraries Sluice links
  qt6-base-dev qt6-charts-dev libqt6opengl6-dev qt6-svg-dev qt6-qpa-plugins libqt6sql6-sqlite
  nlohmann-json3-dev libspdlog-dev libfmt-dev libsqlite3-dev libpq-dev libsimdjson-dev qtkeychain-qt6-dev
  libcurl4-openssl-dev libssl-dev
  # test and benchmark tools: a throwaway PostgreSQL, the sqlite3 shell, reference importers, python connectors,
  # GNU time (a child's own peak RSS)
  postgresql sqlite3 sqlite-utils python3 time
  # the fuzz targets (tests/fuzz): clang and its libFuzzer and sanitizer runtimes
  clang libclang-rt-14-dev
  # desktop integration checks and headless screenshots
  desktop-file-utils appstream xvfb xauth
  # the GUI smoke test under Xvfb: a window manager, keys and clicks, screenshots
  openbox xdotool imagemagick x11-utils
  # packaging: the man page and the .deb's shared-library dependencies
  help2man dpkg-dev gzip
)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=sudo
  else
    echo "sluice: these packages are missing and installing them needs root: ${missing[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi

echo "sluice: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
