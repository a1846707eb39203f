#!/usr/bin/env bash
# Installs what is missing, builds, starts the bundled demo program and rspstub serving it, and
# prints the gdb and lldb commands to connect. Ctrl-C stops both.
# Usage: ./demo.sh [PORT]   (default 1234; listens on 127.0.0.1 only)
set -euo pipefail
cd "$(dirname "$0")"
port=${1:-1234}
.ci/install-deps
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target rspstub rspstub_demo >/dev/null

demo="$build/tests/programs/rspstub_demo"
"$demo" >/dev/null &
demo_pid=$!
"$build/stub/rspstub" --attach "$demo_pid" --no-stop "127.0.0.1:$port" &
stub_pid=$!
cleanup() { kill "$stub_pid" "$demo_pid" 2>/dev/null || true; }
trap cleanup EXIT INT TERM
sleep 0.3
kill -0 "$stub_pid" 2>/dev/null || { echo "demo.sh: rspstub did not start" >&2; exit 1; }

cat <<MSG

rspstub is serving the demo program (pid $demo_pid) on 127.0.0.1:$port. Its globals change
over time: g_counter counts up, g_message points to a heap string. Connect with:

  gdb -q -ex 'target remote 127.0.0.1:$port' -ex 'print g_counter' -ex 'print g_message' $demo

  lldb-19 -o 'settings set target.process.disable-memory-cache true' \\
          -o 'gdb-remote 127.0.0.1:$port' -o 'target variable g_counter g_message' $demo

Ask again (print g_counter) to see the value change. Ctrl-C here stops the demo and rspstub.
MSG
wait "$stub_pid"
