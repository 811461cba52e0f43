#!/usr/bin/env bash
# Installs what is missing, then configures (once) and builds Sluice incrementally into build/dev.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

bash "$here/deps.sh"
cd "$root"
if [[ ! -f build/dev/build.ninja ]]; then
  cmake --preset dev >/dev/null
fi
cmake --build build/dev -j"$(nproc)"
