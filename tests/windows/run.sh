#!/bin/sh
# Builds rspstub for Windows with mingw-w64 and runs its tests under wine, on Linux.
#
#   tests/windows/run.sh [BUILD_DIR]        (default: build-windows in the source tree)
#
# Installs the packages it needs when they are missing (as root, or through sudo), configures
# BUILD_DIR with cmake/mingw-w64.cmake, builds, creates a private wine prefix (BUILD_DIR/wine,
# or $WINEPREFIX) and starts its wine server with all streams on /dev/null (a wine server
# holding ctest's pipes makes ctest wait forever), runs ctest, and stops that wine server at the
# end (RSPSTUB_KEEP_WINE=1 leaves it running for faster reruns). JOBS=N sets build parallelism.
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-windows}
packages="g++-mingw-w64-x86-64-posix wine64 wine gdb-mingw-w64 gdb-mingw-w64-target"

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
    missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "run.sh: installing$missing"
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends $missing
fi

cmake -S "$root" -B "$build" -DCMAKE_TOOLCHAIN_FILE="$root/cmake/mingw-w64.cmake" \
  -DRSPSTUB_TESTS=ON
cmake --build "$build" -j"${JOBS:-2}"

export WINEPREFIX="${WINEPREFIX:-$build/wine}"
export WINEDEBUG=-all
if [ "${RSPSTUB_KEEP_WINE:-0}" != 1 ]; then
  # Ends this prefix's wine server and every Windows process in it (only ours).
  trap 'wineserver -k </dev/null >/dev/null 2>&1 || true' EXIT
fi
# Creates the prefix (once, ~10-20 s) and starts the server before the tests' clocks run.
"$root/cmake/wine-run.sh" cmd.exe /c exit 0

ctest --test-dir "$build" --output-on-failure
