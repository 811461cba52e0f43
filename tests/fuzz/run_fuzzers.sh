#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, AddressSanitizer, UndefinedBehaviorSanitizer) in build/fuzz and runs
# each for a while over its corpus in tests/fuzz/corpus/<target>. Exits non-zero on the first crash, leak,
# timeout or sanitizer report, after printing the fuzzer's report; the input that did it is kept in
# build/fuzz/artifacts/. New inputs the fuzzers find go to a temporary folder, not into the source tree.
#
#   tests/fuzz/run_fuzzers.sh                  every target, 30 s each (what CI runs, with --seconds 20)
#   tests/fuzz/run_fuzzers.sh --seconds 600    the longer run before a release (see tests/fuzz/README.md)
#   tests/fuzz/run_fuzzers.sh cron csv_reader  some targets only
set -euo pipefail

seconds=30
targets=()
while (($#)); do
  case $1 in
    --seconds) seconds=$2; shift 2 ;;
    --help|-h) sed -n '2,10p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
((${#targets[@]})) || targets=(airbyte_message csv_reader jsonl_reader connection_file cron utf8_repair)

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
build=$root/build/fuzz

if ! command -v clang++ >/dev/null; then
  echo "run_fuzzers: clang++ is missing (installer/deps.sh installs clang and libclang-rt-14-dev)" >&2
  exit 77
fi
if [[ ! -f $build/build.ninja ]]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -G Ninja -DSLUICE_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    >/dev/null
fi
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

mkdir -p "$build/artifacts"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log=$work/$t.log
  # Crashes, leaks and timeouts all exit 1, so CTest never takes one for a skip (77).
  if "$build/fuzz_$t" "$work/$t" "$here/corpus/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
      -max_len=65536 -error_exitcode=1 -timeout_exitcode=1 -artifact_prefix="$build/artifacts/$t-" \
      -print_final_stats=1 >"$log" 2>&1; then
    echo "fuzz_$t: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') runs in ${seconds} s, no finding"
  else
    echo "fuzz_$t: FAILED" >&2
    grep -v '^#[0-9]' "$log" | tail -60 >&2
    status=1
  fi
done
exit $status
