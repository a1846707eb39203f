"""The runner shared by the adversarial files for a controlled target (test_*.py here):
cases registered with @case, each run with a fresh ControlCase (or its own processes), a
summary line with the case count and the stubs' peak memory. Python 3, standard library only.

Usage of every such file: python3 test_X.py RSPSTUB ADV_TARGET [--case NAME]... [--list]
"""

import argparse
import os
import sys
import time
import traceback

from advlib import Failure

CASES = []


def case(fn):
    CASES.append((fn.__name__, fn))
    return fn


class Suite:
    def __init__(self, rspstub, adv_target):
        self.rspstub = rspstub
        self.adv_target = adv_target
        with open(rspstub, "rb") as f:
            self.sanitized = b"__asan_init" in f.read()
        self.cases = []      # ControlCase objects of the running case, closed after it
        self.max_growth = 0  # KiB
        self.hwm_peak = 0    # KiB

    def log(self, text):
        print(text, flush=True)

    def note_rss(self, growth, hwm):
        self.max_growth = max(self.max_growth, growth)
        if hwm:
            self.hwm_peak = max(self.hwm_peak, hwm)

    def teardown(self):
        problems = []
        for cc in self.cases:
            hwm = cc.stub.hwm()
            if hwm:
                self.hwm_peak = max(self.hwm_peak, hwm)
            try:
                problem = cc.close()
            except Exception as e:  # noqa: BLE001
                problem = f"teardown failed: {e}"
            if problem:
                problems.append(f"rspstub pid {cc.stub.pid}: {problem}")
        return problems

    def dump_logs(self):
        for cc in self.cases:
            state = "running" if cc.stub.alive() else f"exit status {cc.stub.popen.poll()}"
            print(f"    ----- rspstub pid {cc.stub.pid} ({state}) {' '.join(cc.stub.argv[1:])}")
            for line in cc.stub.log[-30:]:
                print(f"    | {line}")

    def run(self, title, selected):
        started = time.monotonic()
        failed = []
        for name, fn in selected:
            t0 = time.monotonic()
            try:
                fn(self)
                problems = self.teardown()
                if problems:
                    raise Failure("; ".join(problems))
                self.log(f"ok    {title}.{name}  ({time.monotonic() - t0:.2f} s)")
                if os.environ.get("ADV_VERBOSE") == "1":
                    self.dump_logs()
            except Exception as e:  # noqa: BLE001 - report and go on with the next case
                failed.append(name)
                self.log(f"FAIL  {title}.{name}  ({time.monotonic() - t0:.2f} s): {e}")
                if not isinstance(e, Failure):
                    traceback.print_exc(file=sys.stdout)
                self.dump_logs()
                self.teardown()
            self.cases = []
        print(f"\nadversarial {title} summary: {len(selected)} cases, "
              f"{len(selected) - len(failed)} passed, {len(failed)} failed, "
              f"{time.monotonic() - started:.1f} s; largest VmRSS growth after a case "
              f"{self.max_growth:+d} KiB; peak VmHWM of any stub {self.hwm_peak / 1024:.1f} MiB"
              f"{' (ASan build: memory not checked)' if self.sanitized else ''}", flush=True)
        for name in failed:
            print(f"  FAILED {name}")
        return 1 if failed else 0


def main(title, doc):
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("rspstub")
    parser.add_argument("adv_target")
    parser.add_argument("--case", action="append", default=[])
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for name, fn in CASES:
            print(f"{title}.{name}: {' '.join(fn.__doc__.split())}")
        return 0
    for path in (args.rspstub, args.adv_target):
        if not os.access(path, os.X_OK):
            print(f"adversarial: {path} is not an executable file", file=sys.stderr)
            return 2
    selected = [(n, f) for n, f in CASES if not args.case or n in args.case]
    if not selected:
        print(f"adversarial: no such case {args.case}; see --list", file=sys.stderr)
        return 2
    return Suite(args.rspstub, args.adv_target).run(title, selected)
