"""Machinery of the adversarial cases for a *controlled* target (Python 3, standard library only):
rspstub launching tests/programs/adv_target (`rspstub ADDR -- adv_target`) or attached to one
(`rspstub --attach PID ADDR`, stopped under control), on top of advlib.py.

- Target: what adv_target printed (pid, &hot, &g_calls) and ground truth from /proc/PID.
- ControlStub: the stub process; for a launched target its stdout pipe carries the target's.
- ControlCase: one stub + target + one negotiated client, with the checks every case ends with
  (stub alive, a valid read of g_calls correct, RSS flat) and the teardown (kill only by pid).

Children are started with PR_SET_PDEATHSIG and only ever ended by their own pid.
"""

import os
import re
import signal
import socket
import subprocess
import threading
import time

from advlib import (Client, Conn, Failure, _die_with_parent, check, frame, peek, peek_u64,
                    proc_state, proc_status_kib, read_line, short)

RSS_LIMIT_KIB = 4096  # growth allowed over the post-handshake baseline
INT3 = 0xCC


def status_field(pid, field):
    """A field of /proc/PID/status as text ('TracerPid', 'State'), None if gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


def thread_ids(pid):
    try:
        return sorted(int(t) for t in os.listdir(f"/proc/{pid}/task"))
    except OSError:
        return []


def gone_or_zombie(pid):
    return proc_state(pid) in (None, "Z", "X")


def wait_gone(pid, timeout=5.0):
    deadline = time.monotonic() + timeout
    while not gone_or_zombie(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def kill_pid(pid):
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def parse_addresses(lines):
    """{'pid': .., 'hot': .., '&g_calls': ..} from adv_target's output lines."""
    out = {}
    for line in lines:
        key, _, value = line.partition(" ")
        if key == "pid":
            out["pid"] = int(value)
        elif key in ("hot", "&g_calls"):
            out[key] = int(value, 16)
    return out


class Target:
    """adv_target's addresses and live checks on it."""

    def __init__(self, pid, hot, calls):
        self.pid, self.hot, self.calls = pid, hot, calls

    def calls_now(self):
        return peek_u64(self.pid, self.calls)

    def keeps_running(self, what, window=0.5):
        """Fails unless the target is alive, untraced, and its g_calls advances."""
        check(not gone_or_zombie(self.pid), f"{what}: target {self.pid} is gone "
                                            f"(state {proc_state(self.pid)})")
        deadline = time.monotonic() + 5
        tracer = status_field(self.pid, "TracerPid")
        while tracer not in ("0", None) and time.monotonic() < deadline:
            time.sleep(0.02)  # the detach may still be finishing
            tracer = status_field(self.pid, "TracerPid")
        check(tracer == "0", f"{what}: target {self.pid} is still traced (TracerPid {tracer})")
        first = self.calls_now()
        time.sleep(window)
        second = self.calls_now()
        check(first is not None and second is not None and second > first,
              f"{what}: target {self.pid} does not run on (g_calls {first} -> {second}, state "
              f"{proc_state(self.pid)})")


class ControlStub:
    """rspstub serving adv_target under control: `launch` (ADDR -- adv_target ARGS) or attached
    to `attach_pid`. stderr is drained into .log; stdout (the launched target's) is a pipe."""

    def __init__(self, rspstub, target_argv=None, attach_pid=None, extra=(), address="127.0.0.1:0"):
        if attach_pid is not None:
            self.argv = [rspstub, "--attach", str(attach_pid), *extra, address]
        else:
            self.argv = [rspstub, *extra, address, "--", *target_argv]
        self.popen = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE, preexec_fn=_die_with_parent,
                                      bufsize=0)
        self.pid = self.popen.pid
        self.log = []
        self.port = None
        deadline = time.monotonic() + 10
        while True:
            line = read_line(self.popen.stderr.fileno(), deadline)
            if line is None:
                self.kill()
                raise Failure(f"rspstub did not say it was listening within 10 s (exit status "
                              f"{self.popen.poll()}); it printed: {self.log!r}")
            self.log.append(line)
            m = re.search(r"listening on (\S+)", line)
            if m:
                if ":" in m.group(1) and not m.group(1).startswith("unix:"):
                    self.port = int(m.group(1).rsplit(":", 1)[1])
                break
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()

    def _drain_stderr(self):
        reader = os.fdopen(self.popen.stderr.fileno(), "rb", buffering=1 << 16, closefd=False)
        for raw in iter(reader.readline, b""):
            self.log.append(raw.decode(errors="replace").rstrip("\n"))

    def target_lines(self, until, timeout=10):
        """Lines of the launched target's stdout until one equals `until`."""
        lines = []
        deadline = time.monotonic() + timeout
        while True:
            line = read_line(self.popen.stdout.fileno(), deadline)
            check(line is not None, f"the launched target did not print {until!r} within "
                                    f"{timeout} s (printed {lines!r})")
            lines.append(line)
            if line == until:
                return lines

    def alive(self):
        return self.popen.poll() is None and proc_state(self.pid) not in (None, "Z", "X")

    def rss(self):
        return proc_status_kib(self.pid, "VmRSS")

    def hwm(self):
        return proc_status_kib(self.pid, "VmHWM")

    def wait_exit(self, timeout):
        """The exit status, None if still running after `timeout`. Once it exited, its last
        log lines are in .log."""
        try:
            status = self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._drain.join(timeout=2)
        return status

    def signal(self, sig):
        os.kill(self.pid, sig)

    def kill(self):
        if self.popen.poll() is None:
            kill_pid(self.pid)
            self.popen.wait(timeout=5)

    def connect(self):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(10)
        s.connect(("127.0.0.1", self.port))
        return Client(Conn(sock=s))


def start_adv_target(path, *args):
    """adv_target started by the test (for --attach): (Popen, Target) once it printed ready."""
    popen = subprocess.Popen([path, *args], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                             preexec_fn=_die_with_parent)
    lines = []
    deadline = time.monotonic() + 10
    while "ready" not in lines:
        line = read_line(popen.stdout.fileno(), deadline)
        if line is None:
            kill_pid(popen.pid)
            popen.wait()
            raise Failure(f"adv_target did not start (printed {lines!r})")
        lines.append(line)
    a = parse_addresses(lines)
    return popen, Target(a["pid"], a["hot"], a["&g_calls"])


STOP_REPLY = re.compile(rb"T([0-9a-f]{2})(.*)")
END_REPLY = re.compile(rb"([WX])([0-9a-f]{2})(;process:([0-9a-f]+))?")


def stop_thread(reply):
    """The thread of a T stop reply (its `thread:` value as an int, pid part dropped)."""
    m = re.search(rb"thread:(?:p[0-9a-f]+\.)?([0-9a-f]+);", reply)
    return int(m.group(1), 16) if m else None


class ControlCase:
    """One case's stub and target: mode 'launch' or 'attach'; args for adv_target.

    After __init__ the target is stopped (launch: interrupted once it printed its addresses;
    attach: as attached) and self.c is a negotiated no-ack client (multiprocess on)."""

    def __init__(self, suite, mode, args=(), extra=(), handshake=True):
        self.suite = suite
        self.mode = mode
        self.own_popen = None
        if mode == "attach":
            self.own_popen, self.target = start_adv_target(suite.adv_target, *args)
            self.stub = ControlStub(suite.rspstub, attach_pid=self.target.pid, extra=extra)
        else:
            self.stub = ControlStub(suite.rspstub, [suite.adv_target, *args], extra=extra)
            self.target = None
        suite.cases.append(self)
        self.c = None
        if not handshake:
            return
        self.c = self.stub.connect().handshake()
        if mode == "launch":
            # Run it until it printed its addresses, then stop it.
            self.c.send(frame("vCont;c"))
            a = parse_addresses(self.stub.target_lines("ready"))
            self.target = Target(a["pid"], a["hot"], a["&g_calls"])
            self.interrupt()
        self.baseline_rss = self.stub.rss()

    @property
    def pid(self):
        return self.target.pid

    def interrupt(self, timeout=10):
        """0x03 to a running target: its stop reply (T..)."""
        self.c.send(b"\x03")
        reply = self.c.packet(timeout, "the stop reply after an interrupt")
        check(STOP_REPLY.fullmatch(reply) is not None,
              f"interrupt: expected a T stop reply, got {short(reply)}")
        return reply

    def verify(self, c=None, what="after the case"):
        """The stub is alive, reads g_calls right (between the ground truth before and after),
        and did not grow by more than RSS_LIMIT_KIB."""
        c = c or self.c
        check(self.stub.alive(), f"{what}: the stub died (exit status {self.stub.popen.poll()})")
        before = self.target.calls_now()
        reply = c.request(f"m{self.target.calls:x},8")
        check(re.fullmatch(rb"[0-9a-f]{16}", reply) is not None,
              f"{what}: m &g_calls,8: expected 16 hex digits, got {short(reply)}")
        value = int.from_bytes(bytes.fromhex(reply.decode()), "little")
        after = self.target.calls_now()
        check(before is not None and before <= value <= after,
              f"{what}: g_calls read {value}, ground truth {before}..{after}")
        self.check_rss(what)

    def check_rss(self, what):
        rss = self.stub.rss()
        if rss is None or self.suite.sanitized:
            return
        growth = rss - self.baseline_rss
        self.suite.note_rss(growth, self.stub.hwm())
        check(growth <= RSS_LIMIT_KIB, f"{what}: the stub's VmRSS grew by {growth} KiB "
                                       f"(limit {RSS_LIMIT_KIB})")

    def close(self):
        """Ends the stub (SIGTERM, then SIGKILL) and the target (by pid). Returns a problem
        description if the stub did not exit 0 on SIGTERM, or a launched target outlived it."""
        problem = None
        if self.c is not None:
            self.c.close()
        if self.stub.popen.poll() is None:
            self.stub.signal(signal.SIGTERM)
            status = self.stub.wait_exit(10)
            if status is None:
                self.stub.kill()
                problem = "did not exit within 10 s of SIGTERM (killed)"
            elif status != 0:
                problem = f"exit status {status} after SIGTERM (expected 0)"
        if self.target is not None and self.mode == "launch" and not wait_gone(self.pid, 5):
            problem = (problem or "") + f" launched target {self.pid} outlived the stub"
            kill_pid(self.pid)
        if self.own_popen is not None:
            kill_pid(self.own_popen.pid)
            self.own_popen.wait(timeout=5)
        return problem
