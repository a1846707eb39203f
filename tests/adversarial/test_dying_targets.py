#!/usr/bin/env python3
"""Adversarial cases for a controlled target that dies or changes under the stub: killed from
outside (SIGKILL by pid) while it runs, while one thread steps, and while it is stopped; threads
appearing and exiting while another thread steps. Each case runs for a launched target
(`rspstub ADDR -- adv_target`) and for an attached one (`rspstub --attach PID ADDR`).

Usage: test_dying_targets.py RSPSTUB ADV_TARGET [--case NAME]... [--list]

Every case asserts: no request hangs (10 s); the client gets the exit stop reply `X09;process:PID`
(multiprocess client) or E06; the stub does not crash, answers every later request (E06 for the
dead target's memory and registers, the exit reply for `?`), and - as the README documents -
exits with status 0 once its debugger leaves, a launched target reaped (no zombie, no orphan).
"""

import os
import random
import re
import signal
import sys
import threading
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from advlib import check, frame, short  # noqa: E402
from ctllib import (ControlCase, END_REPLY, STOP_REPLY, gone_or_zombie, kill_pid,  # noqa: E402
                    stop_thread, thread_ids)
from ctlsuite import case, main  # noqa: E402

E_GONE = b"E06"
MODES = ("launch", "attach")


def expect_exit_reply(reply, pid, what):
    m = END_REPLY.fullmatch(reply)
    check(m is not None and m.group(1) == b"X" and m.group(2) == b"09",
          f"{what}: expected the exit stop reply X09;process:{pid:x}, got {short(reply)}")
    check(m.group(4) is not None and int(m.group(4), 16) == pid,
          f"{what}: the exit stop reply names process {m.group(4)!r}, expected {pid:x}")


def after_death(cc, what):
    """What every dying-target case ends with: the stub answers reads of the dead target with
    E06 (memory, registers), `?` with the exit reply, a resume with the exit reply or E06, a
    query normally; its RSS stayed flat; once the client leaves it exits 0 by itself, and the
    target is reaped."""
    c, pid = cc.c, cc.pid
    check(cc.stub.alive(), f"{what}: the stub died with its target")
    check(c.request(f"m{cc.target.calls:x},8") == E_GONE, f"{what}: a memory read: E06")
    check(c.request("g") == E_GONE, f"{what}: a register read (g): E06")
    check(c.request("p10") == E_GONE, f"{what}: a register read (p10): E06")
    expect_exit_reply(c.request("?"), pid, f"{what}: `?`")
    reply = c.request("vCont;c")
    check(reply == E_GONE or END_REPLY.fullmatch(reply) is not None,
          f"{what}: vCont;c to a dead target: expected E06 or the exit reply, got {short(reply)}")
    check(c.request("qSupported:multiprocess+").startswith(b"PacketSize="),
          f"{what}: a query after the death")
    cc.check_rss(what)
    c.close()
    status = cc.stub.wait_exit(10)
    check(status == 0, f"{what}: once its debugger left, the stub with a dead target should exit "
                       f"0 by itself (README), got {status}")
    if cc.mode == "launch":
        check(gone_or_zombie(pid) and cc.stub.popen.poll() is not None,
              f"{what}: launched target {pid} still there")


def killed_mid_continue(s, mode):
    cc = ControlCase(s, mode)
    cc.verify(what="before the continue")
    cc.c.send(frame("vCont;c"))
    cc.c.expect_silence(0.3, "while the target runs")
    kill_pid(cc.pid)
    reply = cc.c.packet(10, "the stop reply after the target was killed mid-continue")
    expect_exit_reply(reply, cc.pid, "killed mid-continue")
    after_death(cc, f"{mode}: killed mid-continue")


@case
def killed_mid_continue_launched(s):
    """Launched target SIGKILLed while continuing: the pending vCont;c gets X09;process:PID;
    then E06 for reads, X09 for `?`, exit 0 when the client leaves."""
    killed_mid_continue(s, "launch")


@case
def killed_mid_continue_attached(s):
    """The same for an attached target."""
    killed_mid_continue(s, "attach")


def killed_mid_step(s, mode, others):
    """Steps the main thread in a loop (`others` ';c': the other threads run meanwhile) while a
    timer SIGKILLs the target at a random moment: every step is answered with T05 of the main
    thread until one is answered with X09 (or the next resume with E06/X09)."""
    cc = ControlCase(s, mode, args=("churn",))
    pid = cc.pid
    delay = random.Random(pid).uniform(0.05, 0.4)
    timer = threading.Timer(delay, kill_pid, (pid,))
    steps = 0
    timer.start()
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            reply = cc.c.request(f"vCont;s:p{pid:x}.{pid:x}{others}", timeout=10)
            if END_REPLY.fullmatch(reply) or reply == E_GONE:
                if reply != E_GONE:
                    expect_exit_reply(reply, pid, f"step {steps}")
                break
            m = STOP_REPLY.fullmatch(reply)
            check(m is not None, f"step {steps}: expected a T stop reply, got {short(reply)}")
            check(stop_thread(reply) == pid or m.group(1) != b"05",
                  f"step {steps}: a T05 for another thread than the stepped one: {short(reply)}")
            steps += 1
        else:
            check(False, "the target was not killed within 20 s of stepping")
    finally:
        timer.cancel()
    s.log(f"    {steps} steps before the kill ({delay:.2f} s)")
    after_death(cc, f"{mode}: killed mid-step")


@case
def killed_mid_step_launched(s):
    """Launched target (threads churning) SIGKILLed at a random moment while its main thread is
    stepped alone (vCont;s:p.tid): T05 for each step, then X09 or E06; never a hang."""
    killed_mid_step(s, "launch", "")


@case
def killed_mid_step_others_running_attached(s):
    """Attached target stepped with vCont;s:p.tid;c (the others run) and SIGKILLed at a random
    moment: T stop replies, then X09 or E06; never a hang."""
    killed_mid_step(s, "attach", ";c")


def killed_while_stopped(s, mode):
    cc = ControlCase(s, mode)
    cc.verify(what="before the kill")
    pid = cc.pid
    kill_pid(pid)
    time.sleep(0.3)  # the stub learns of it through SIGCHLD, with no request pending
    cc.c.expect_silence(0.2, "after a kill while stopped (nothing was pending)")
    after_death(cc, f"{mode}: killed while stopped")


@case
def killed_while_stopped_launched(s):
    """Launched target SIGKILLed while stopped: no unsolicited packet; then m/g/p E06, `?` X09,
    vCont E06 or X09, and the stub exits 0 after the client leaves."""
    killed_while_stopped(s, "launch")


@case
def killed_while_stopped_attached(s):
    """The same for an attached target."""
    killed_while_stopped(s, "attach")


def listed_threads(c):
    tids = []
    reply = c.request("qfThreadInfo")
    while reply.startswith(b"m"):
        for t in reply[1:].split(b","):
            m = re.fullmatch(rb"(?:p[0-9a-f]+\.)?([0-9a-f]+)", t)
            check(m is not None, f"qfThreadInfo: bad thread id {t!r}")
            tids.append(int(m.group(1), 16))
        reply = c.request("qsThreadInfo")
    check(reply == b"l", f"qsThreadInfo: expected l at the end, got {short(reply)}")
    return sorted(tids)


def check_threads_consistent(cc, what):
    """While stopped: the stub lists exactly the threads /proc lists, and each one's registers
    can be read."""
    listed = listed_threads(cc.c)
    actual = thread_ids(cc.pid)
    check(set(listed) == set(actual), f"{what}: the stub lists threads {listed}, /proc has {actual}")
    for tid in listed:
        reply = cc.c.request(f"Hgp{cc.pid:x}.{tid:x}")
        check(reply == b"OK", f"{what}: Hg of listed thread {tid}: {short(reply)}")
        reply = cc.c.request("g")
        check(re.fullmatch(rb"[0-9a-fx]+", reply) is not None and len(reply) > 200,
              f"{what}: g of listed thread {tid}: {short(reply)}")
    return listed


def thread_name(pid, tid):
    try:
        with open(f"/proc/{pid}/task/{tid}/comm") as f:
            return f.read().strip()
    except OSError:
        return None


@case
def stepping_the_spawner_after_interrupts(s):
    """The thread that creates threads, interrupted (0x03) while the others run and then stepped
    alone with them running (vCont;s:p.tid;c), 60 times: each step answered by a T stop reply
    within 10 s. The interrupt can meet it at a clone event, which leaves the stop the stub
    asked for queued in the kernel, to surface after the step's resume."""
    for mode in MODES:
        cc = ControlCase(s, mode, args=("churn",))
        pid = cc.pid
        spawner = None
        for i in range(60):
            cc.c.send(frame("vCont;c"))
            cc.c.expect_silence(0.0005 * (1 + i % 6), "while the target runs")
            cc.interrupt()
            spawner = spawner or next((t for t in thread_ids(pid)
                                       if thread_name(pid, t) == "spawner"), None)
            check(spawner is not None, f"{mode}: no thread named spawner in /proc")
            reply = cc.c.request(f"vCont;s:p{pid:x}.{spawner:x};c")
            check(STOP_REPLY.fullmatch(reply) is not None,
                  f"{mode}: step {i} of the spawner: expected a T stop reply, got {short(reply)}")
        check_threads_consistent(cc, f"{mode}: after stepping the spawner")
        cc.verify(what=f"{mode}: after stepping the spawner")


@case
def threads_come_and_go_while_stepping(s):
    """While threads are created and exit all the time (launched and attached target): 100 steps
    of the main thread with the others running (vCont;s:p.tid;c), 100 with them stopped, and 40
    steps of a short-lived thread (which may exit during its step): each answered by a T stop
    reply within 10 s; after each batch the thread list equals /proc's and every listed thread's
    registers read; a valid read still works; RSS flat."""
    for mode in MODES:
        cc = ControlCase(s, mode, args=("churn",))
        pid = cc.pid
        for others, label in ((";c", "others running"), ("", "others stopped")):
            for i in range(100):
                reply = cc.c.request(f"vCont;s:p{pid:x}.{pid:x}{others}")
                check(STOP_REPLY.fullmatch(reply) is not None,
                      f"{mode}: step {i} ({label}): expected a T stop reply, got {short(reply)}")
            check_threads_consistent(cc, f"{mode}: after 100 steps ({label})")
        stepped_exited = 0
        for i in range(40):
            listed = listed_threads(cc.c)
            # Not by tid order: tids wrap (pid_max), so a worker's can be below the spawner's.
            workers = [t for t in listed if t != pid and thread_name(pid, t) != "spawner"]
            if not workers:
                cc.c.send(frame("vCont;c"))  # let a few be born, then stop again
                cc.c.expect_silence(0.01, "while the target runs")
                cc.interrupt()
                continue
            tid = workers[-1]
            reply = cc.c.request(f"vCont;s:p{pid:x}.{tid:x};c")
            check(STOP_REPLY.fullmatch(reply) is not None,
                  f"{mode}: step of short-lived thread {tid}: expected a T stop reply, got "
                  f"{short(reply)}")
            if tid not in thread_ids(pid):
                stepped_exited += 1
        check_threads_consistent(cc, f"{mode}: after stepping short-lived threads")
        cc.verify(what=f"{mode}: after the thread churn")
        s.log(f"    {mode}: {stepped_exited} stepped short-lived threads were gone afterwards")


if __name__ == "__main__":
    sys.exit(main("dying_targets", __doc__))
