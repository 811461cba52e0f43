#!/usr/bin/env bash
# README command 1: install what is missing, build, and start the Sluice desktop app.
# On a first start Sluice creates a demo connection (demo source -> SQLite file in its home).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
bash "$here/build.sh"
exec "$here/../build/dev/app/sluice" "$@"
