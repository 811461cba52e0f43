#!/usr/bin/env bash
# The desktop app as a user meets it: the real `sluice` in a real X server (Xvfb) with a window manager
# (openbox), driven with xdotool. First start with the demo, a sync (F5), the refresh dialog (Connection >
# Refresh…, Enter), the generation inspector (Ctrl+3), a second connection made by sluicectl while the
# window is open, found with the filter and synced, then Quit (Ctrl+Q) during that sync: the process must
# end within 5 s and leave the job cancelled, not running. Screenshots go to $SMOKE_SHOTS when it is set.
#
# Usage: smoke_xvfb.sh SLUICE SLUICECTL. Exit 77 (skipped) when a tool is missing; installer/deps.sh
# installs them all.
set -euo pipefail

sluice=$1
sluicectl=$2

for tool in xvfb-run Xvfb openbox xdotool import python3; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: $tool is not installed (installer/deps.sh installs it)"
    exit 77
  fi
done

if [[ -z ${SMOKE_IN_XVFB:-} ]]; then
  export SMOKE_IN_XVFB=1
  exec xvfb-run -a -s "-screen 0 1280x800x24" bash "$0" "$@"
fi

work=$(mktemp -d)
home=$work/home
shots=${SMOKE_SHOTS:-$work/shots}
mkdir -p "$shots" "$work/user"
# A user of its own: preferences, window geometry and the keyring stay out of the machine's.
export HOME=$work/user XDG_CONFIG_HOME=$work/user/.config XDG_DATA_HOME=$work/user/.local/share
unset QT_QPA_PLATFORM SLUICE_HOME
export QT_QPA_PLATFORM=xcb

pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  import -window root "$shots/failure.png" 2>/dev/null || true
  [[ -f $work/sluice.log ]] && tail -n 40 "$work/sluice.log" >&2
  diagnose >&2 || true
  exit 1
}

# What a failure needs to be understood later: the windows there are, and whether Sluice still runs (then
# where each of its threads stands) or how it ended.
diagnose() {
  echo "windows:"
  for w in $(timeout 5 xdotool search --name '.' 2>/dev/null); do
    echo "  $w $(timeout 2 xdotool getwindowname "$w" 2>/dev/null)"
  done
  [[ -n ${app:-} ]] || return 0
  if kill -0 "$app" 2>/dev/null; then
    echo "sluice (pid $app) is still running; its threads:"
    command -v gdb >/dev/null && timeout 60 gdb -p "$app" -batch -ex "thread apply all bt 12" 2>/dev/null |
      grep -E '^(Thread|#)' | head -n 120
  else
    wait "$app"
    echo "sluice (pid $app) has ended with status $?"
  fi
}

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.2
  done
}

# The newest job of connection $1 has type $2 and status $3.
job_is() {
  "$sluicectl" --home "$home" jobs "$1" --json 2>/dev/null | python3 -c '
import json, sys
jobs = json.load(sys.stdin)
jobs = jobs if isinstance(jobs, list) else jobs.get("jobs", [])
newest = max(jobs, key=lambda j: j["job_id"]) if jobs else {}
sys.exit(0 if newest.get("type") == sys.argv[1] and newest.get("status") == sys.argv[2] else 1)
' "$2" "$3"
}

# A screenshot that is more than one flat colour (the window was drawn).
shoot() {
  import -window root "$shots/$1.png"
  local spread
  spread=$(convert "$shots/$1.png" -format '%[fx:standard_deviation]' info:)
  python3 -c "import sys; sys.exit(0 if float('$spread') > 0.01 else 1)" || fail "the screenshot $1 is blank"
}

key() {
  timeout 10 xdotool windowactivate --sync "$window" key --clearmodifiers "$@" || fail "cannot give keys $* to the window"
}

openbox >/dev/null 2>&1 &
pids+=($!)
"$sluice" --home "$home" >"$work/sluice.log" 2>&1 &
app=$!
pids+=($app)

# Every wait has a deadline: a window that never comes fails the test instead of hanging it.
window=$(timeout 30 xdotool search --sync --onlyvisible --name 'Sluice$' | head -n 1) || fail "no Sluice window"
[[ -n $window ]] || fail "no Sluice window"
# First start: the demo connection exists, shown in the window.
wait_for 20 "$sluicectl" --home "$home" connection show demo >/dev/null || fail "no demo connection at first start"
sleep 1
shoot first_start

key F5
wait_for 60 job_is demo sync succeeded || fail "the demo sync did not succeed"
shoot after_sync

# Connection > Refresh…: the dialog opens with the matrix's choices; Enter confirms.
key alt+c
sleep 0.3
key r
timeout 20 xdotool search --sync --onlyvisible --name '^Refresh streams' >/dev/null || fail "no refresh dialog"
sleep 1.5 # the preview is a task of the engine
shoot refresh_dialog
dialog=$(xdotool search --onlyvisible --name '^Refresh streams' | head -n 1)
timeout 10 xdotool windowactivate --sync "$dialog" key Return || fail "cannot confirm the refresh dialog"
wait_for 60 job_is demo refresh succeeded || fail "the refresh did not succeed"

key ctrl+3
sleep 1.5
shoot generations

# A connection made by the CLI while the window is open: the window lists it; the filter finds it.
cat >"$work/slow.json" <<EOF
{"name": "slow", "source": {"type": "demo", "config": {"count": 100000, "page_size": 2000, "delay_ms": 300}},
 "destination": {"type": "sqlite", "config": {"path": "$work/slow.sqlite"}},
 "streams": [{"name": "users", "sync_mode": "incremental", "destination_sync_mode": "append_dedup"}]}
EOF
"$sluicectl" --home "$home" connection create "$work/slow.json" >/dev/null || fail "sluicectl connection create"
key ctrl+f
xdotool type --delay 40 slow
# The window title names the shown connection: once the list has it, Down selects it.
shows_slow() {
  key Down
  [[ $(xdotool getwindowname "$window") == "slow — Sluice" ]] || { sleep 0.3; key ctrl+f; return 1; }
}
wait_for 20 shows_slow || fail "the window did not list the connection sluicectl made"
key F5
wait_for 20 job_is slow sync running || fail "the slow sync did not start from the window"
sleep 1
shoot slow_sync

# Quit while the sync runs: the process ends within 5 s and the job is recorded as cancelled.
start=$(date +%s%N)
key ctrl+q
for _ in $(seq 1 50); do
  kill -0 "$app" 2>/dev/null || break
  sleep 0.1
done
kill -0 "$app" 2>/dev/null && fail "Sluice still runs 5 s after Quit"
elapsed_ms=$((($(date +%s%N) - start) / 1000000))
echo "Quit ended Sluice in ${elapsed_ms} ms during a sync"
job_is slow sync cancelled || fail "the sync that Quit stopped is not recorded as cancelled"
echo "PASS: first start, sync, refresh dialog, inspector, CLI connection followed, Quit in ${elapsed_ms} ms"
