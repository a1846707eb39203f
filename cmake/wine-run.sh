#!/bin/sh
# Runs a Windows program under wine for CMake/ctest (CMAKE_CROSSCOMPILING_EMULATOR), quietly and
# in a private prefix. Makes sure a persistent wine server is running first, started with every
# stream on /dev/null: a wine server that inherits ctest's output pipe keeps ctest waiting
# forever. The first call also creates the prefix (~8 s). WINEPREFIX may be set by the caller
# (tests/windows/run.sh does).
export WINEDEBUG="${WINEDEBUG:--all}"
export WINEPREFIX="${WINEPREFIX:-${TMPDIR:-/tmp}/rspstub-wine-$(id -u)}"
export WINEDLLOVERRIDES="${WINEDLLOVERRIDES:-mscoree,mshtml=}"  # no Mono/Gecko installers

mkdir -p "$WINEPREFIX"
# Exits 2 at once when a server already runs.
wineserver -p </dev/null >/dev/null 2>&1
if [ ! -f "$WINEPREFIX/.rspstub-booted" ]; then
  (
    flock 9
    if [ ! -f "$WINEPREFIX/.rspstub-booted" ]; then
      wineboot -i </dev/null >/dev/null 2>&1 && touch "$WINEPREFIX/.rspstub-booted"
    fi
  ) 9>"$WINEPREFIX/.rspstub-boot.lock"
fi
exec wine "$@"
