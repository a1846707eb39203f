#!/usr/bin/env python3
"""Adversarial cases for how rspstub lets go of a controlled target: SIGINT, SIGTERM and SIGHUP
to the stub, and the debugger's connection dropped, while the target is stopped at a breakpoint
or running with breakpoints inserted (Z0 at hot(), which adv_target calls every millisecond).

Usage: test_stub_signals.py RSPSTUB ADV_TARGET [--case NAME]... [--list]

An attached target must be left running, untraced, with the original bytes back at hot() (read
from /proc/PID/mem and compared with the bytes read there before the Z0) and must keep running
(g_calls advances; it does not die of a SIGTRAP). A launched target must be gone (killed and
reaped: no orphan). The stub exits with status 0. A dropped connection (without --once) leaves
the target with the stub, which serves the next debugger a consistent state.
"""

import os
import random
import signal
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from advlib import check, frame, short  # noqa: E402
from ctllib import (ControlCase, END_REPLY, INT3, STOP_REPLY, gone_or_zombie, peek,  # noqa: E402
                    status_field, stop_thread, wait_gone)
from ctlsuite import case, main  # noqa: E402

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
CODE_BYTES = 16  # bytes compared at hot()


def plant(cc):
    """Z0 at hot(): returns the original bytes there (read before the Z0)."""
    original = peek(cc.pid, cc.target.hot, CODE_BYTES)
    check(original is not None and original[0] != INT3, f"hot() starts with {original!r}")
    check(cc.c.request(f"Z0,{cc.target.hot:x},1") == b"OK", "Z0 at hot(): OK")
    patched = peek(cc.pid, cc.target.hot, 1)
    check(patched == bytes([INT3]), f"after Z0 hot() should start with int3, /proc shows {patched!r}")
    return original


def run_to_breakpoint(cc):
    reply = cc.c.request("vCont;c")
    check(STOP_REPLY.fullmatch(reply) is not None and reply.startswith(b"T05"),
          f"vCont;c with Z0 at hot(): expected T05, got {short(reply)}")
    check(b"swbreak:;" in reply, f"the stop at hot() should say swbreak: {short(reply)}")
    return reply


def check_let_go(cc, original, what):
    """After the stub has gone: an attached target runs on untraced with its code restored; a
    launched one is gone."""
    pid = cc.pid
    if cc.mode == "launch":
        check(wait_gone(pid, 5), f"{what}: launched target {pid} outlived the stub "
                                 f"(state {status_field(pid, 'State')})")
        return
    cc.target.keeps_running(what)
    now = peek(pid, cc.target.hot, CODE_BYTES)
    check(now == original, f"{what}: hot() holds {now!r} after the stub left, expected the "
                           f"original {original!r}")
    time.sleep(0.3)
    check(not gone_or_zombie(pid), f"{what}: the target died after the stub left")


def signal_stub(cc, sig, what):
    cc.stub.signal(sig)
    status = cc.stub.wait_exit(10)
    check(status is not None, f"{what}: the stub did not exit within 10 s of {sig.name}")
    check(status == 0, f"{what}: exit status {status} after {sig.name} (expected 0)")
    check(any(sig.name in line or f"signal {int(sig)}" in line for line in cc.stub.log),
          f"{what}: no log line names the signal")


def stub_signal_case(s, mode, running):
    rng = random.Random(1234)
    for sig in SIGNALS:
        what = f"{mode}, {'running' if running else 'stopped at a breakpoint'}, {sig.name}"
        cc = ControlCase(s, mode)
        original = plant(cc)
        if not running:
            run_to_breakpoint(cc)
            cc.verify(what=f"{what}: before the signal")
            signal_stub(cc, sig, what)
        else:
            # Run on from breakpoint hit to breakpoint hit; the signal lands while a resume is
            # under way (the target running, or its next hit being reported).
            for _ in range(5):
                run_to_breakpoint(cc)
            cc.c.send(frame("vCont;c"))
            time.sleep(rng.uniform(0.0, 0.003))
            signal_stub(cc, sig, what)
        check_let_go(cc, original, what)


@case
def signals_attached_stopped(s):
    """Attached target stopped at a breakpoint on hot(): SIGINT, SIGTERM, SIGHUP (one stub
    each) make the stub exit 0 leaving the target running, untraced, hot() restored."""
    stub_signal_case(s, "attach", running=False)


@case
def signals_attached_running(s):
    """Attached target resumed with Z0 at hot() (hit every ms): each signal leaves it running,
    untraced, its code restored, and it does not die of a stray SIGTRAP."""
    stub_signal_case(s, "attach", running=True)


@case
def signals_launched_stopped(s):
    """Launched target stopped at a breakpoint: each signal makes the stub exit 0 and the
    target is killed and reaped."""
    stub_signal_case(s, "launch", running=False)


@case
def signals_launched_running(s):
    """Launched target running with Z0 at hot(): each signal kills and reaps it; exit 0."""
    stub_signal_case(s, "launch", running=True)


def drop(cc, reset):
    cc.c.close(reset=reset)
    cc.c = None


def reconnect(cc, what):
    """The next debugger: it must be served (not refused), see the target stopped, the
    breakpoints of the debugger that left gone, and run the target without stray stops."""
    deadline = time.monotonic() + 5
    while True:
        try:
            c = cc.stub.connect().handshake()
            break
        except Exception:  # noqa: BLE001 - the old connection may still be winding down
            check(time.monotonic() < deadline, f"{what}: the next debugger was not served")
            time.sleep(0.05)
    cc.c = c
    reply = c.request("?")
    check(STOP_REPLY.fullmatch(reply) is not None,
          f"{what}: `?` for the next debugger: expected a T stop reply, got {short(reply)}")
    tid = stop_thread(reply)
    check(tid in [int(t) for t in os.listdir(f"/proc/{cc.pid}/task")],
          f"{what}: `?` names thread {tid}, which the target does not have")
    check(status_field(cc.pid, "State").startswith("t"),
          f"{what}: the target should be stopped for the next debugger "
          f"(state {status_field(cc.pid, 'State')})")
    cc.verify(c, f"{what}: the next debugger's read")
    return c


@case
def dropped_connection_keeps_target(s):
    """Without --once, for a launched and an attached target, stopped at a breakpoint and
    running with it inserted: the debugger vanishes (close or reset). The stub keeps the target
    (alive, still traced, stopped), serves the next debugger: `?` is a stop reply of an
    existing thread, reads are right, the departed debugger's breakpoint is gone (the original
    bytes in /proc; 0.5 s of running brings no stop), and it can plant its own and hit it."""
    for mode in ("launch", "attach"):
        for running in (False, True):
            what = f"{mode}, {'running' if running else 'stopped'}, dropped"
            cc = ControlCase(s, mode)
            original = plant(cc)
            run_to_breakpoint(cc)
            if running:
                cc.c.send(frame("vCont;c"))
                time.sleep(0.002)
            drop(cc, reset=running)
            time.sleep(0.2)
            check(cc.stub.alive(), f"{what}: the stub exited without --once")
            check(not gone_or_zombie(cc.pid), f"{what}: the target is gone")
            check(status_field(cc.pid, "TracerPid") == str(cc.stub.pid),
                  f"{what}: the stub no longer traces the target")
            c = reconnect(cc, what)
            now = peek(cc.pid, cc.target.hot, CODE_BYTES)
            check(now == original, f"{what}: hot() holds {now!r} for the next debugger, which "
                                   f"never planted a breakpoint there (original {original!r})")
            c.send(frame("vCont;c"))
            c.expect_silence(0.5, f"{what}: the next debugger's continue (no breakpoint of its own)")
            cc.interrupt()
            plant(cc)
            run_to_breakpoint(cc)
            cc.verify(what=f"{what}: after the next debugger's breakpoint")


@case
def dropped_connection_once(s):
    """--once: the debugger vanishes while the target is stopped at a breakpoint, or running
    with it inserted: the stub exits 0, an attached target left running with hot() restored,
    a launched one killed and reaped."""
    for mode in ("launch", "attach"):
        for running in (False, True):
            what = f"--once, {mode}, {'running' if running else 'stopped'}, dropped"
            cc = ControlCase(s, mode, extra=("--once",))
            original = plant(cc)
            run_to_breakpoint(cc)
            if running:
                cc.c.send(frame("vCont;c"))
                time.sleep(0.002)
            drop(cc, reset=not running)
            status = cc.stub.wait_exit(10)
            check(status == 0, f"{what}: expected exit status 0, got {status}")
            check_let_go(cc, original, what)


if __name__ == "__main__":
    sys.exit(main("stub_signals", __doc__))
