#!/usr/bin/env python3
"""Measures what `rspstub --on-failure` costs over running a test binary directly.

Usage: python3 overhead.py RSPSTUB ONFAIL_PASS [--runs N]
ONFAIL_PASS is tests/programs/onfail_pass (built in the build tree). Not a test: it prints
figures. Three workloads, each run directly and under `rspstub --on-failure 127.0.0.1:0`,
alternating, N times (median and min of the wall-clock time):
  short      the program prints two lines and exits (start-up cost: fork, ptrace seize, exec)
  syscalls   1,000,000 getppid() calls (system calls are not traced: expect ~no cost)
  signals    20,000 raise(SIGUSR1) with a handler (each one is a ptrace stop the stub sees and
             passes back: the worst case)
"""

import os
import statistics
import subprocess
import sys
import time

WORKLOADS = [
    ("short", []),
    ("syscalls (1e6 getppid)", ["0", "1000000"]),
    ("signals (2e4 SIGUSR1)", ["20000", "0"]),
]


def timed(cmd):
    t0 = time.perf_counter()
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    t1 = time.perf_counter()
    if p.returncode != 3:
        raise SystemExit("unexpected exit status %d from %s" % (p.returncode, cmd))
    return t1 - t0


def main():
    if len(sys.argv) < 3:
        print(__doc__)
        return 2
    rspstub, prog = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 20
    print("rspstub --on-failure overhead, %d runs each (median / min wall time)" % runs)
    print("%-24s %20s %20s %12s" % ("workload", "direct", "under rspstub", "overhead"))
    for name, args in WORKLOADS:
        direct, launched = [], []
        for _ in range(runs):
            direct.append(timed([prog] + args))
            launched.append(timed([rspstub, "--on-failure", "127.0.0.1:0", "--", prog] + args))
        d, l = statistics.median(direct), statistics.median(launched)
        fmt = lambda xs: "%7.2f / %7.2f ms" % (statistics.median(xs) * 1e3, min(xs) * 1e3)
        print("%-24s %20s %20s %+9.2f ms (%.2fx)" % (name, fmt(direct), fmt(launched),
                                                   (l - d) * 1e3, l / d))
    return 0


if __name__ == "__main__":
    sys.exit(main())
