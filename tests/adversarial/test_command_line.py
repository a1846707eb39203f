#!/usr/bin/env python3
"""Adversarial command lines for process control: a program that does not exist, is not
executable, or is a directory; --attach to a process that does not exist, to one another
debugger holds (EPERM even for root), to pid 1 (EPERM as non-root; skipped as root, with a
message); malformed pids; a port in use with a launched or attached target.

Usage: test_command_line.py RSPSTUB ADV_TARGET [--case NAME]... [--list]

Each refusal must be exactly one line on stderr naming the problem, with the exit status the
README documents (127: the program cannot start, as with --on-failure; 1: cannot attach or
listen; 2: a bad command line), within 10 s, and leave no process behind: the test makes
itself a child subreaper, so anything rspstub forked and left would become its child and be
seen. A target attached to is left running untraced.
"""

import ctypes
import os
import signal
import socket
import stat
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from advlib import _die_with_parent, check  # noqa: E402
from ctllib import ControlStub, kill_pid, start_adv_target, status_field  # noqa: E402
from ctlsuite import case, main  # noqa: E402

CANNOT_START, CANNOT_ATTACH, BAD_COMMAND_LINE = 127, 1, 2


def become_subreaper():
    ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def my_children():
    """Pids whose parent is this test (orphans of rspstub land here: we are a subreaper)."""
    me, out = os.getpid(), []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me:
            out.append(int(name))
    return out


def run_refused(s, argv, status, *words):
    """Runs rspstub with argv; expects `status`, exactly one stderr line containing `words`,
    and no process left behind."""
    before = set(my_children())
    p = subprocess.run([s.rspstub, *argv], stdin=subprocess.DEVNULL, capture_output=True,
                       timeout=10, preexec_fn=_die_with_parent)
    lines = [line for line in p.stderr.decode(errors="replace").splitlines() if line.strip()]
    what = " ".join(argv)
    check(p.returncode == status, f"`rspstub {what}`: exit status {p.returncode}, expected "
                                  f"{status} (stderr {lines!r})")
    check(len(lines) == 1, f"`rspstub {what}`: expected one line on stderr, got {lines!r}")
    for w in words:
        check(w.lower() in lines[0].lower(), f"`rspstub {what}`: {lines[0]!r} does not say {w!r}")
    left = set(my_children()) - before
    for pid in left:
        kill_pid(pid)
    check(not left, f"`rspstub {what}` left processes behind: {sorted(left)}")
    s.log(f"    {what} -> {p.returncode}: {lines[0]}")
    return lines[0]


@case
def program_cannot_start(s):
    """A path that does not exist, a name not found in PATH, a file without execute
    permission, a directory, a FIFO: exit 127, one line naming the program and the reason, no
    child left behind."""
    become_subreaper()
    tmp = tempfile.mkdtemp(prefix="rspstub-adv-cli-")
    try:
        script = os.path.join(tmp, "script.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nexit 0\n")
        os.chmod(script, 0o644)
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)
        missing = os.path.join(tmp, "missing", "prog")
        for prog, words in ((missing, (missing, "no such file")),
                            ("rspstub-no-such-program-xyz", ("rspstub-no-such-program-xyz",
                                                             "no such file")),
                            (script, (script, "not executable")),
                            (tmp, (tmp, "directory")),
                            (fifo, (fifo, "not a regular file"))):
            run_refused(s, ["127.0.0.1:0", "--", prog], CANNOT_START, *words)
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


def absent_pid():
    pid = int(open("/proc/sys/kernel/pid_max").read()) - 1
    while os.path.exists(f"/proc/{pid}"):
        pid -= 1
    return pid


@case
def attach_refused(s):
    """--attach to a pid that does not exist: exit 1, "no such process"; to a process another
    rspstub already controls: exit 1, "permission denied" naming the likely causes, and the
    first stub keeps it; to pid 1: EPERM as non-root (skipped as root, said so); pids 0, -5,
    abc, 99999999999: exit 2 (bad command line)."""
    become_subreaper()
    pid = absent_pid()
    run_refused(s, ["--attach", str(pid), "127.0.0.1:0"], CANNOT_ATTACH, str(pid),
                "no such process")
    popen, target = start_adv_target(s.adv_target)
    first = ControlStub(s.rspstub, attach_pid=target.pid)
    try:
        run_refused(s, ["--attach", str(target.pid), "127.0.0.1:0"], CANNOT_ATTACH,
                    str(target.pid), "permission denied", "another debugger")
        check(status_field(target.pid, "TracerPid") == str(first.pid),
              "the first stub lost its target to a refused second attach")
        check(first.alive(), "the first stub died")
    finally:
        first.signal(signal.SIGTERM)
        first.wait_exit(10)
        kill_pid(popen.pid)
        popen.wait()
    if os.geteuid() == 0:
        s.log("    SKIP --attach 1: running as root, where attaching to pid 1 would succeed "
              "(and stop init); EPERM was checked above with an already-traced process")
    else:
        run_refused(s, ["--attach", "1", "127.0.0.1:0"], CANNOT_ATTACH, "permission denied")
    for bad in ("0", "-5", "abc", "99999999999"):
        run_refused(s, ["--attach", bad, "127.0.0.1:0"], BAD_COMMAND_LINE)


@case
def port_in_use(s):
    """The port is taken: exit 1, one line saying so; a launched target is killed (no child
    left), an attached one is left running untraced."""
    become_subreaper()
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", 0))
    blocker.listen(1)
    port = blocker.getsockname()[1]
    try:
        run_refused(s, [f"127.0.0.1:{port}", "--", s.adv_target], CANNOT_ATTACH,
                    f"127.0.0.1:{port}")
        popen, target = start_adv_target(s.adv_target)
        try:
            run_refused(s, ["--attach", str(target.pid), f"127.0.0.1:{port}"], CANNOT_ATTACH,
                        f"127.0.0.1:{port}")
            target.keeps_running("after a refused listen")
        finally:
            kill_pid(popen.pid)
            popen.wait()
    finally:
        blocker.close()


if __name__ == "__main__":
    sys.exit(main("command_line", __doc__))
