#!/usr/bin/env python3
"""One scripted gdb session through rspstub.exe, then through Debian's gdbserver.exe, side by side.

Usage: test_compare_gdbserver_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE GDB [GDBSERVER_EXE]

Both servers run under wine and launch the demo (`SERVER 127.0.0.1:0 ... DEMO_EXE 42`);
x86_64-w64-mingw32-gdb on Linux connects and runs the same steps (see STEPS): info
sharedlibrary (which must list ntdll.dll and kernel32.dll), break in a function, continue, bt,
print a global main sets at run time, a second thread's breakpoint, info threads, read an
unmapped address, run to the exit code. A table of step -> result is printed for each server. Every step is ASSERTED for rspstub; for gdbserver the results are only
recorded (a peer's failure is a finding, not ours). Without GDBSERVER_EXE (package
gdb-mingw-w64-target, /usr/share/win64/gdbserver.exe) its column reads "not installed".
"""

import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
from harness import TestFailure  # noqa: E402

EXIT_CODE = 42  # the demo's argument: its exit code (gdb shows it in octal)
MESSAGE = "hello from the rspstub windows demo"
UNMAPPED = 0x10  # the first page is never mapped on Windows
MARK = "@@step "

# (step name, gdb commands, what a correct answer looks like (regex over the step's output)).
STEPS = [
    # gdb shows where the program stopped: the loader's breakpoint in ntdll, which it knows
    # from the DLL list (without the list: `0x... in ?? ()`).
    ("connect", [], r"(?i)^0x[0-9a-f]+ in \S+ \(\) from \S*[\\/]ntdll\.dll$"),
    # The DLL list (qXfer:libraries:read): the loader's first DLLs are known from the start.
    ("info sharedlibrary (ntdll, kernel32)", ["info sharedlibrary"],
     r"(?i)^(?=[\s\S]*[\\/]ntdll\.dll$)(?=[\s\S]*[\\/]kernel32\.dll$)From +To"),
    ("break fill_pattern", ["break fill_pattern"],
     r"^Breakpoint 1 at 0x[0-9a-f]+: file .*demo_windows\.c"),
    ("continue to fill_pattern", ["continue"], r"^Breakpoint 1, fill_pattern \("),
    ("bt", ["bt"], r"^#0 +fill_pattern \(.*\n#1 +0x[0-9a-f]+ in main \("),
    ("print g_message (set at run time)", ["print g_message"],
     rf'^\$1 = 0x[0-9a-f]+ "{MESSAGE}"$'),
    ("break ticker, continue", ["delete 1", "break ticker", "continue"],
     r'^Thread \d+ .*hit Breakpoint 2, ticker \('),
    ("info threads (>= 2)", ["info threads"], r"^\* +\d+ +Thread .*\n(?:.*\n)*? +\d+ +Thread |"
                                              r"^ +\d+ +Thread .*\n(?:.*\n)*?\* +\d+ +Thread "),
    (f"x/4xb {UNMAPPED:#x} (unmapped)", [f"x/4xb {UNMAPPED:#x}"],
     rf"Cannot access memory at address {UNMAPPED:#x}$"),
    ("continue to exit", ["delete", "continue"],
     rf"^\[Inferior 1 \(.*\) exited with code 0?{EXIT_CODE:o}\]$"),
]


def gdb_argv(gdb, demo_exe, port):
    argv = [gdb, "-nx", "-batch", "-ex", "set pagination off", "-ex", "set confirm off",
            "-ex", f"file {demo_exe}"]
    for name, commands, _ in STEPS:
        argv += ["-ex", f"echo \\n{MARK}{name}\\n"]
        if name == "connect":
            commands = [f"target remote 127.0.0.1:{port}"]
        for c in commands:
            argv += ["-ex", c]
    argv += ["-ex", f"echo \\n{MARK}end\\n"]
    return argv


def split_steps(output):
    """{step name: gdb's output for it}."""
    sections = {}
    name = None
    for line in output.splitlines():
        if line.startswith(MARK):
            name = line[len(MARK):]
            sections[name] = []
        elif name is not None:
            sections[name].append(line)
    return {k: "\n".join(v).strip("\n") for k, v in sections.items()}


def summary(text):
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return (lines[-1] if lines else "(no output)")[:70]


def run_session(server_argv, port_pattern, gdb, demo_exe):
    """Runs the session through one server: ({step: (ok, summary)}, server exit status, log)."""
    stub = None
    output = ""
    results = {}
    status = None
    try:
        stub = harness.Stub(server_argv, None, port_pattern)
        done = subprocess.run(gdb_argv(gdb, demo_exe, stub.port), stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=100)
        output = done.stdout.decode(errors="replace")
        status = stub.wait_exit(20)
    except (TestFailure, subprocess.TimeoutExpired) as e:
        output += f"\n(session failed: {e})"
    finally:
        server_output = "\n".join(stub.stderr_lines) if stub is not None else ""
        if stub is not None:
            stub.stop()
    sections = split_steps(output)
    for name, _, pattern in STEPS:
        text = sections.get(name)
        if text is None:
            results[name] = (False, "(not reached)")
        elif (m := re.search(pattern, text, re.M)):
            results[name] = (True, summary(m.group(0).splitlines()[0]))
        else:
            results[name] = (False, summary(text))
    return results, status, output, server_output


def print_table(title, results, status):
    print(f"\n== {title}")
    if results is None:
        print("   not installed")
        return
    width = max(len(name) for name, _, _ in STEPS)
    for name, _, _ in STEPS:
        ok, text = results[name]
        print(f"   {name:<{width}}  {'ok  ' if ok else 'DIFF'}  {text}")
    print(f"   {'server exit status':<{width}}  {'ok  ' if status == 0 else 'DIFF'}  {status}")


def main():
    wine_run, rspstub, demo_exe, gdb = sys.argv[1:5]
    gdbserver = sys.argv[5] if len(sys.argv) > 5 else ""
    if shutil.which(gdb) is None:
        print(f"FAIL: {gdb} not found (apt-get install gdb-mingw-w64)", file=sys.stderr)
        return 1

    ours, our_status, our_gdb, our_server = run_session(
        [wine_run, rspstub, "127.0.0.1:0", "--", demo_exe, str(EXIT_CODE)],
        r"listening on 127\.0\.0\.1:(\d+)", gdb, demo_exe)
    theirs = their_status = None
    if gdbserver and os.path.exists(gdbserver):
        theirs, their_status, their_gdb, their_server = run_session(
            [wine_run, gdbserver, "127.0.0.1:0", demo_exe, str(EXIT_CODE)],
            r"Listening on port (\d+)", gdb, demo_exe)

    print_table("rspstub.exe", ours, our_status)
    print_table(f"gdbserver.exe ({gdbserver or 'gdb-mingw-w64-target'})", theirs, their_status)
    print("\n-- gdb through rspstub.exe printed:\n" + our_gdb)
    if theirs is not None:
        print("\n-- gdb through gdbserver.exe printed:\n" + their_gdb)
        print("-- gdbserver.exe printed:\n" + their_server)

    failed = [name for name, (ok, _) in ours.items() if not ok]
    if failed or our_status != 0:
        print(f"\nFAIL: rspstub.exe: steps {failed}, exit status {our_status} (expected 0)",
              file=sys.stderr)
        print("gdb printed:\n" + our_gdb + "\nrspstub.exe printed:\n" + our_server,
              file=sys.stderr)
        return 1
    print("\nwindows.compare: OK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
