#!/usr/bin/env python3
"""x86_64-w64-mingw32-gdb (on Linux) debugging a Windows program that rspstub.exe launches.

Usage: test_gdb_launch_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE GDB

`rspstub.exe 127.0.0.1:0 -- DEMO_EXE 42` (under wine) starts the demo under the Win32 Debug API;
gdb loads the demo's symbols, connects with `target remote` and:
  - `break fill_pattern`, `continue` -> stops there; `bt` shows fill_pattern called from main;
    `print g_message` shows the heap string (main set it just before); `print n` is the page
    size the demo prints;
  - `delete 1` (main calls fill_pattern twice), `break ticker`, `continue` -> stops in the
    "ticker" thread (gdb first steps the main thread over the fill_pattern breakpoint); `bt`
    shows ticker; `print/x &g_counter` is the address the demo prints;
  - `delete`, `continue` -> the demo runs to its end (its standard input is empty) and gdb
    shows its exit code, 42 (the demo's argument).
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
import wine_case  # noqa: E402
from harness import check  # noqa: E402

MESSAGE = "hello from the rspstub windows demo"
EXIT_CODE = 42  # the demo's argument: its exit code (gdb shows it in octal)


def demo_values(lines):
    """The demo's "key value" lines, which it prints on the stub's output (it inherits it)."""
    values = {}
    for line in lines:
        m = re.fullmatch(r"(\w+) ([0-9a-fA-F]+)", line.strip())
        if m:
            values[m.group(1)] = m.group(2)
    return values


def check_output(output, values):
    check(re.search(r"^Breakpoint 1 at 0x[0-9a-f]+: file .*demo_windows\.c", output, re.M),
          "gdb did not set breakpoint 1 at fill_pattern")
    check(re.search(r"^Breakpoint 1, fill_pattern \(", output, re.M),
          "continue did not stop at fill_pattern")
    check(re.search(r"^#0 +fill_pattern \(.*\n#1 +0x[0-9a-f]+ in main \(argc=2, ", output,
                    re.M),
          "bt at fill_pattern does not show fill_pattern called from main (with its argument)")
    check(re.search(rf'^\$1 = 0x[0-9a-f]+ "{MESSAGE}"$', output, re.M),
          "print g_message did not show the heap string")
    page = re.search(r"^\$2 = (\d+)$", output, re.M)
    check(page and "page_size" in values and int(page.group(1)) == int(values["page_size"]),
          f"print n at fill_pattern: {page and page.group(1)}, the demo's page size is "
          f"{values.get('page_size')}")
    check(re.search(r'^Thread \d+ "ticker" hit Breakpoint 2, ticker \(', output, re.M),
          "continue did not stop at ticker in the ticker thread")
    check(re.search(r"^#0 +ticker \(", output, re.M), "bt at ticker does not show ticker")
    address = re.search(r"^\$3 = (0x[0-9a-f]+)$", output, re.M)
    check(address and "g_counter" in values
          and int(address.group(1), 16) == int(values["g_counter"], 16),
          f"&g_counter in gdb: {address and address.group(1)}, the demo printed "
          f"{values.get('g_counter')}")
    check(re.search(rf"^\[Inferior 1 \(process \d+\) exited with code 0?{EXIT_CODE:o}\]$",
                    output, re.M),
          f"the last continue did not end with the demo's exit (exit code {EXIT_CODE})")



def main():
    wine_run, rspstub, demo_exe, gdb = sys.argv[1:5]

    def body(case):
        case.require_gdb(gdb)
        case.stub = harness.Stub(
            [wine_run, rspstub, "127.0.0.1:0", "--", demo_exe, str(EXIT_CODE)],
            None, r"listening on 127\.0\.0\.1:(\d+)")
        argv = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
                "-ex", f"file {demo_exe}", "-ex", f"target remote 127.0.0.1:{case.stub.port}",
                "-ex", "break fill_pattern", "-ex", "continue", "-ex", "bt",
                "-ex", "print g_message", "-ex", "print n",
                "-ex", "delete 1", "-ex", "break ticker", "-ex", "continue", "-ex", "bt",
                "-ex", "print/x &g_counter",
                "-ex", "delete", "-ex", "continue"]
        done = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=90)
        case.output = done.stdout.decode(errors="replace")
        status = case.stub.wait_exit(20)
        check(status == 0, f"rspstub.exe after the program exited: status {status}, expected 0")
        check_output(case.output, demo_values(case.stub.stderr_lines))
        print(case.output)

    return wine_case.run("windows.gdb.launch", body)


if __name__ == "__main__":
    sys.exit(main())
