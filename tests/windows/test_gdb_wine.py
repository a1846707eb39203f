#!/usr/bin/env python3
"""x86_64-w64-mingw32-gdb (on Linux) against rspstub.exe under wine, serving the Windows demo.

Usage: test_gdb_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE GDB

gdb loads the demo's symbols, connects with `target remote`, prints g_counter twice with a pause
between (the value must grow: the demo runs on) and the heap string g_message points to, then
detaches. A missing GDB fails the test (gdb-mingw-w64 provides it).
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
import wine_case  # noqa: E402
from harness import check  # noqa: E402
from test_packets_wine import start_demo  # noqa: E402



def main():
    wine_run, rspstub, demo_exe, gdb = sys.argv[1:5]

    def body(case):
        case.require_gdb(gdb)
        case.demo, values = start_demo(wine_run, demo_exe)
        case.stub = harness.Stub([wine_run, rspstub, "--attach", values["pid"], "--no-stop",
                                  "127.0.0.1:0"], None, r"listening on 127\.0\.0\.1:(\d+)")
        argv = [gdb, "-nx", "-batch", "-ex", "set pagination off",
                "-ex", f"file {demo_exe}", "-ex", f"target remote 127.0.0.1:{case.stub.port}",
                "-ex", "print/x &g_counter", "-ex", "print g_counter",
                "-ex", "shell sleep 0.5", "-ex", "print g_counter",
                "-ex", "print g_message", "-ex", "detach"]
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=60)
        output = case.output = done.stdout.decode(errors="replace")
        address = re.search(r"^\$1 = (0x[0-9a-f]+)", output, re.M)
        check(address and int(address.group(1), 16) == int(values["g_counter"], 16),
              f"&g_counter in gdb differs from the demo's {values['g_counter']}")
        counts = [int(v) for v in re.findall(r"^\$[23] = (\d+)$", output, re.M)]
        check(len(counts) == 2, "gdb did not print g_counter twice")
        check(counts[1] > counts[0], f"g_counter read as {counts[0]}, then {counts[1]}: "
                                     f"it should grow while the demo runs")
        check(re.search(r'^\$4 = 0x[0-9a-f]+ "hello from the rspstub windows demo"$', output, re.M),
              "gdb did not print the heap string through g_message")
        check(case.stub.running(),
              f"rspstub.exe exited (status {case.stub.popen.poll()}) after gdb left")
        print(output)

    return wine_case.run("windows.gdb", body)


if __name__ == "__main__":
    sys.exit(main())
