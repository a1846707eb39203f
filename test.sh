#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test (unit, session, platform, end to end
# with real gdb and lldb). Usage: ./test.sh [extra ctest arguments]
set -euo pipefail
cd "$(dirname "$0")"
.ci/install-deps
build=${BUILD_DIR:-build}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure "$@"
