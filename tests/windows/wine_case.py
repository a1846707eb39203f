"""What every Windows test script shares around its own steps.

run(name, body) calls body(case), then stops what the case started: case.stub (the current
rspstub.exe) and case.demo (a demo started with its stdin piped: the stdin is closed, which ends
it, and it is killed if it has not ended within 10 s). On a failed check or a timeout it prints
FAIL with the reason, then gdb's output (case.output), the packet transcript (case.transcript)
and what rspstub.exe printed, and returns 1; otherwise it prints "NAME: OK" and returns 0.
"""

import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
from harness import TestFailure, check  # noqa: E402


class Case:
    def __init__(self):
        self.stub = None
        self.demo = None
        self.output = ""
        self.transcript = []

    def require_gdb(self, gdb):
        check(shutil.which(gdb) is not None,
              f"{gdb} not found (apt-get install gdb-mingw-w64 gdb-mingw-w64-target)")


def end_demo(demo):
    if not demo.stdin.closed:
        demo.stdin.close()  # the demo exits at the end of its input
    try:
        demo.wait(timeout=10)
    except subprocess.TimeoutExpired:
        harness._terminate(demo)


def run(name, body):
    case = Case()
    try:
        body(case)
    except (TestFailure, subprocess.TimeoutExpired) as e:
        print(f"FAIL: {e}", file=sys.stderr)
        if case.output:
            print(f"gdb printed:\n{case.output}", file=sys.stderr)
        if case.transcript:
            print("\n".join(case.transcript), file=sys.stderr)
        if case.stub is not None:
            print("rspstub.exe printed:\n" + "\n".join(case.stub.stderr_lines), file=sys.stderr)
        return 1
    finally:
        if case.stub is not None:
            case.stub.stop()
        if case.demo is not None:
            end_demo(case.demo)
    print(f"{name}: OK")
    return 0
