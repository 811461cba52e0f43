#!/usr/bin/env bash
# Installs what is missing, then configures (once) and builds Sluice incrementally into build/dev.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

bash "$here/deps.sh"
cd "$root"
# Paths relative to the checkout, and precompiled headers accepted: a fresh clone reuses earlier compiles.
export CCACHE_BASEDIR="$root" CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
if [[ ! -f build/dev/build.ninja ]]; then
  cmake --preset dev >/dev/null
fi
cmake --build build/dev -j"$(nproc)"
