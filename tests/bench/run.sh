#!/usr/bin/env bash
# The one command for the benchmark: configures and builds in Release (into build-bench, or
# $BENCH_BUILD_DIR), then runs rspstub-bench with the given options and prints its table.
#   tests/bench/run.sh                      # full run: 256 MiB, rspstub + gdbserver + lldb-server
#   tests/bench/run.sh --quick              # smoke test on 8 MiB
#   tests/bench/run.sh --stubs gdbserver,lldb-server --size 64M
# See `tests/bench/run.sh --help` for every option.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build=${BENCH_BUILD_DIR:-$root/build-bench}
jobs=${BENCH_JOBS:-2}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
step() {  # step DESCRIPTION COMMAND...: quiet unless it fails
  local what=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "run.sh: $what failed:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

echo "run.sh: building in $build (Release)" >&2
step "configure" cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release
step "building the benchmark" \
  cmake --build "$build" --target rspstub-bench rspstub-bench-target -j"$jobs"
# rspstub itself is optional: without it the benchmark measures the peers and says so.
if ! step "building rspstub" cmake --build "$build" --target rspstub -j"$jobs"; then
  echo "run.sh: continuing without a fresh rspstub build" >&2
fi
exec "$build/tests/bench/rspstub-bench" "$@"
