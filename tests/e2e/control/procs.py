"""Looking at processes through /proc, for the process-control tests: is a process alive, is it
traced or stopped, what are its threads called. Also the failure type every check raises."""

import ctypes
import os
import re
import signal
import time


class TestFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


_libc = ctypes.CDLL(None, use_errno=True)
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def die_with_parent():
    """preexec_fn: a child of a test script dies with it (a CTest timeout kills the script)."""
    _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def become_subreaper():
    """Programs a server launched become our children when the server exits, so that the test
    can reap them (waitpid) and they never linger."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _stat_fields(pid):
    """Fields of /proc/PID/stat after the command name: [state, ppid, ...], or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def state(pid):
    """The process state letter (R, S, t, T, Z, ...), or None if there is no such process."""
    fields = _stat_fields(pid)
    return fields[0] if fields else None


def process_start_time(pid):
    fields = _stat_fields(pid)
    return int(fields[19]) if fields else None


def running(pid):
    """True if `pid` exists and is not a zombie."""
    return state(pid) not in (None, "Z", "X")


def reap_if_child(pid):
    """Collects `pid` if it has become our child and exited (see become_subreaper); returns its
    wait status or None."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return None
    return status if done == pid else None


def wait_gone(pid, timeout):
    """Waits until `pid` has exited (gone or a zombie); True if it did within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        reap_if_child(pid)
        if not running(pid):
            return True
        time.sleep(0.05)
    return False


def tracer_pid(pid):
    """TracerPid from /proc/PID/status (0: not traced), or None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("TracerPid:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def thread_names(pid):
    """{tid: name} of the process's threads, from /proc/PID/task/TID/comm."""
    names = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return names
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/comm") as f:
                names[int(tid)] = f.read().strip()
        except OSError:
            continue
    return names


# A shell command a debugger runs (gdb `shell`, lldb `platform shell`) while the process is
# stopped, so that the test sees the threads the process has at that moment. No quotes: lldb's
# command parser would eat them.
THREAD_LISTING_SHELL = "grep -H . /proc/{pid}/task/*/comm"


def parse_thread_listing(output):
    """{tid: name} from the lines THREAD_LISTING_SHELL printed (/proc/PID/task/TID/comm:NAME)."""
    return {int(tid): name for tid, name in
            re.findall(r"^/proc/\d+/task/(\d+)/comm:(.*)$", output, re.M)}
