#!/usr/bin/env bash
# Installs what is missing, builds, starts the bundled demo program under rspstub, and prints the
# gdb and lldb commands to connect. Ctrl-C stops both.
#
# Usage: ./demo.sh [--no-stop] [PORT]   (default port 1234; listens on 127.0.0.1 only)
#   default     rspstub starts the demo stopped at its first instruction: break, step, print
#   --no-stop   the demo runs on its own and rspstub only inspects it (live values, no stops)
set -euo pipefail
cd "$(dirname "$0")"
mode=control
if [ "${1:-}" = "--no-stop" ]; then mode=inspect; shift; fi
port=${1:-1234}
.ci/install-deps
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j"$(nproc)" --target rspstub rspstub_demo >/dev/null

demo="$build/tests/programs/rspstub_demo"
demo_pid=""
if [ "$mode" = control ]; then
  "$build/stub/rspstub" "127.0.0.1:$port" -- "$demo" &
else
  "$demo" >/dev/null &
  demo_pid=$!
  "$build/stub/rspstub" --attach "$demo_pid" --no-stop "127.0.0.1:$port" &
fi
stub_pid=$!
cleanup() { kill "$stub_pid" $demo_pid 2>/dev/null || true; }
trap cleanup EXIT INT TERM
sleep 0.3
kill -0 "$stub_pid" 2>/dev/null || { echo "demo.sh: rspstub did not start" >&2; exit 1; }

if [ "$mode" = control ]; then
  cat <<MSG

rspstub started the demo program stopped at its first instruction, and serves it on
127.0.0.1:$port. A second thread ("ticker") counts g_counter up every 10 ms. Connect with:

  gdb -q -ex 'target remote 127.0.0.1:$port' -ex 'break ticker' -ex continue \\
      -ex 'info threads' -ex next -ex 'print g_counter' -ex 'print g_message' $demo

  lldb-19 -o 'gdb-remote 127.0.0.1:$port' -o 'breakpoint set -n ticker' -o continue \\
          -o 'thread list' -o 'target variable g_counter g_message' $demo

Leaving the debugger kills the demo (as gdbserver does with a program it started) and ends
rspstub; use 'detach' to let it run on instead. Ctrl-C here stops both.
MSG
else
  cat <<MSG

rspstub is serving the demo program (pid $demo_pid) on 127.0.0.1:$port without stopping it.
Its globals change over time: g_counter counts up, g_message points to a heap string. Connect with:

  gdb -q -ex 'target remote 127.0.0.1:$port' -ex 'print g_counter' -ex 'print g_message' $demo

  lldb-19 -o 'settings set target.process.disable-memory-cache true' \\
          -o 'gdb-remote 127.0.0.1:$port' -o 'target variable g_counter g_message' $demo

Ask again (print g_counter) to see the value change. Ctrl-C here stops the demo and rspstub.
MSG
fi
wait "$stub_pid"
