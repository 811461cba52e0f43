#!/usr/bin/env bash
# README command 2: install what is missing, build, and run the whole test suite with CTest.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/build.sh"
cd "$here/../build/dev"
export QT_QPA_PLATFORM=offscreen
exec ctest --output-on-failure --timeout 600 -j"$(nproc)" "$@"
