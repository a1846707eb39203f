#!/usr/bin/env python3
"""x86_64-w64-mingw32-gdb (on Linux) attached, through rspstub.exe, to a running Windows program.

Usage: test_gdb_attach_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE GDB

The end-to-end session of issue 6, in one gdb run. The test starts the demo under wine itself
(with a pipe as its standard input), then `rspstub.exe --attach PID 127.0.0.1:0` (all-stop), and
one gdb batch session:
  - `print g_counter` -> at least 3 (the demo prints "ready" only after three counts; the PE
    file holds 0, so the value comes from the live process);
  - `break demo_windows.c:LINE` on the ticker's `g_counter++` (LINE found in the source here),
    `ignore 1 2`, `continue` -> stops in ticker at the third hit; `print g_counter` -> the first
    read plus 2 (one increment after each ignored hit: gdb resumed, rspstub stepped over the
    breakpoint and stopped again each time);
    `bt` -> ticker;
  - `delete`, `continue`: once gdb has printed the backtrace, the test closes the demo's standard
    input, so main leaves its read loop and the demo exits with code 0, which gdb shows;
    rspstub.exe then exits with status 0.
"""

import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
import harness  # noqa: E402
import wine_case  # noqa: E402
from harness import TestFailure, check  # noqa: E402
from test_packets_wine import start_demo  # noqa: E402

GDB_DEADLINE_S = 90  # the whole gdb session; wine and the CI load make it slow at times
# The breakpoint stops before the increment, and the attach stopped the ticker in its Sleep: the
# first hit would still see the value read after the attach. gdb passes this many hits (each
# stop, resume and step over the breakpoint goes through rspstub), so g_counter has grown by
# exactly this much at the stop.
IGNORED_HITS = 2


def counter_line():
    """The line of the ticker's `g_counter++` in the demo's source."""
    with open(os.path.join(HERE, "demo_windows.c")) as f:
        lines = [n for n, text in enumerate(f, start=1) if text.strip() == "g_counter++;"]
    check(len(lines) == 1, f"expected one `g_counter++;` line in demo_windows.c, found {lines}")
    return lines[0]


def run_gdb(argv, demo):
    """Runs gdb, reading its output as it comes; closes the demo's standard input once gdb has
    printed the backtrace at the breakpoint (the demo is stopped then: it sees the end of its
    input when gdb's last `continue` resumes it). Returns gdb's output and exit status."""
    gdb = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, preexec_fn=harness._die_with_parent)
    lines = []
    deadline = time.monotonic() + GDB_DEADLINE_S
    try:
        while True:
            line = harness._read_line(gdb.stdout, deadline)
            if line is None:
                break
            lines.append(line)
            if not demo.stdin.closed and re.match(r"#0 +ticker \(", line):
                demo.stdin.close()
        status = gdb.wait(timeout=max(1.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        status = None
    finally:
        harness._terminate(gdb)
    output = "\n".join(lines)
    if status is None:
        raise TestFailure(f"gdb did not end within {GDB_DEADLINE_S} s "
                          f"(demo's stdin closed: {demo.stdin.closed})\ngdb printed:\n{output}")
    return output, status


def check_output(output, line):
    first = re.search(r"^\$1 = (\d+)$", output, re.M)
    check(first, "the first `print g_counter` printed no value")
    first = int(first.group(1))
    check(first >= 3, f"first `print g_counter`: {first}; the running demo had counted at least "
                      f"3 (0 would be the value in the PE file, not the live process)")
    check(re.search(rf"^Breakpoint 1 at 0x[0-9a-f]+: file .*demo_windows\.c, line {line}\.$",
                    output, re.M),
          f"gdb did not set breakpoint 1 at demo_windows.c:{line}")
    check(re.search(rf'^Thread \d+ (?:"ticker" )?hit Breakpoint 1, ticker \(.*\) at '
                    rf".*demo_windows\.c:{line}$", output, re.M),
          f"continue did not stop at breakpoint 1 in ticker (demo_windows.c:{line})")
    second = re.search(r"^\$2 = (\d+)$", output, re.M)
    check(second, "the second `print g_counter` printed no value")
    second = int(second.group(1))
    check(second == first + IGNORED_HITS,
          f"g_counter read {first} after the attach, then {second} at the breakpoint after "
          f"{IGNORED_HITS} ignored hits: expected {first + IGNORED_HITS} (one increment per hit)")
    check(re.search(r"^#0 +ticker \(", output, re.M), "bt at the breakpoint does not show ticker")
    check(re.search(r"^\[Inferior 1 \(process \d+\) exited normally\]$", output, re.M),
          "the last continue did not end with the demo's exit (code 0) once its stdin was closed")
    return first, second


def main():
    wine_run, rspstub, demo_exe, gdb = sys.argv[1:5]

    def body(case):
        case.require_gdb(gdb)
        line = counter_line()
        case.demo, values = start_demo(wine_run, demo_exe)
        case.stub = harness.Stub([wine_run, rspstub, "--attach", values["pid"], "127.0.0.1:0"],
                                 None, r"listening on 127\.0\.0\.1:(\d+)")
        argv = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
                "-ex", f"file {demo_exe}", "-ex", f"target remote 127.0.0.1:{case.stub.port}",
                "-ex", "print g_counter",
                "-ex", f"break demo_windows.c:{line}", "-ex", f"ignore 1 {IGNORED_HITS}",
                "-ex", "continue",
                "-ex", "print g_counter", "-ex", "bt",
                "-ex", "delete", "-ex", "continue"]
        case.output, gdb_status = run_gdb(argv, case.demo)
        check(case.demo.stdin.closed, "gdb never printed the backtrace in ticker: the demo's "
                                      "standard input was not closed")
        first, second = check_output(case.output, line)
        try:
            demo_status = case.demo.wait(timeout=20)
        except subprocess.TimeoutExpired:
            demo_status = None
        check(demo_status == 0, f"the demo (wine) after gdb saw its exit: status {demo_status}")
        status = case.stub.wait_exit(20)
        check(status == 0, f"rspstub.exe after the demo exited: status {status}, expected 0")
        check(gdb_status == 0, f"gdb exited with status {gdb_status}")
        print(case.output)
        print(f"g_counter {first} after the attach, {second} at the breakpoint")

    return wine_case.run("windows.gdb.attach", body)


if __name__ == "__main__":
    sys.exit(main())
