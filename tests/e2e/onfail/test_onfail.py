"""End-to-end tests of `rspstub --on-failure` (Python 3, standard library only).

Usage (CTest runs one case per test): python3 test_onfail.py RSPSTUB PROGRAMS_DIR CASE
PROGRAMS_DIR holds the onfail_* programs (tests/programs). Each case runs rspstub as a test
launcher on one program and checks what a CI log would show: the one line, the backtrace
(function names of the crash site, in order), the exit status, and that a passing program's
stdout, stderr and exit status come through untouched. The debugger cases connect the real gdb
13 and lldb-19 to the waiting stub and check that `bt` shows the faulting function.
Every process started here is ended by its pid.
"""

import os
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

CLIENT_TIMEOUT = 60


class Failure(Exception):
    pass


def check(cond, message):
    if not cond:
        raise Failure(message)


def run_launcher(rspstub, args, timeout=60):
    """Runs rspstub to completion; returns (status, stdout, stderr)."""
    p = subprocess.run([rspstub] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       timeout=timeout)
    return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")


def frames_of(stderr, thread_header_regex=None):
    """The function names of the first thread's backtrace (or of the thread whose header matches),
    in order."""
    lines = stderr.splitlines()
    start = None
    for i, line in enumerate(lines):
        if line.startswith("Thread ") and (thread_header_regex is None or
                                           re.search(thread_header_regex, line)):
            start = i
            break
    check(start is not None, "no backtrace in stderr:\n" + stderr)
    names = []
    for line in lines[start + 1:]:
        m = re.match(r"\s+#\d+\s+0x[0-9a-f]+ in (\S+?)(\+0x[0-9a-f]+)?( |$)", line)
        if not m:
            break
        names.append(m.group(1))
    return names


def in_order(names, wanted):
    """True if `wanted` appear in `names` consecutively, in this order."""
    for i in range(len(names) - len(wanted) + 1):
        if names[i:i + len(wanted)] == wanted:
            return True
    return False


def expect_status(status, expected, stderr):
    check(status == expected, "exit status %d, expected %d; stderr:\n%s" % (status, expected, stderr))


# --------------------------------------------------------------------------------------------
# Cases without a debugger

def case_crash(rspstub, progs):
    status, out, err = run_launcher(rspstub, ["--on-failure", "127.0.0.1:0", "--wait", "0", "--",
                                              os.path.join(progs, "onfail_crash")])
    expect_status(status, 139, err)
    check(out == "onfail_crash: before the crash\n", "stdout not passed through: %r" % out)
    m = re.search(r"^rspstub: process (\d+) \(\S*onfail_crash\) got SIGSEGV \(address not mapped\) "
                  r"in thread (\d+) at address 0x0, pc 0x[0-9a-f]+", err, re.M)
    check(m, "no failure line for SIGSEGV at address 0x0:\n" + err)
    check(m.group(1) == m.group(2), "single-threaded: the faulting thread is the process")
    names = frames_of(err)
    check(in_order(names, ["onfail_crash_here", "onfail_crash_caller", "main"]),
          "backtrace lacks onfail_crash_here <- onfail_crash_caller <- main: %s" % names)
    check(re.search(r"onfail_crash_here\+0x[0-9a-f]+ at \S*onfail_crash\.c:6 ", err),
          "no file:line for the fault (onfail_crash.c:6):\n" + err)
    check("exit status 139" in err, "no final status line:\n" + err)


def case_abort(rspstub, progs):
    status, out, err = run_launcher(rspstub, ["--backtrace-only", "--",
                                              os.path.join(progs, "onfail_abort")])
    expect_status(status, 134, err)
    check(err.startswith("onfail_abort: giving up\n"), "program's stderr not first:\n" + err)
    check(re.search(r"got SIGABRT \(sent by tgkill \(raise/abort\)\) in thread \d+, pc 0x", err),
          "no SIGABRT line:\n" + err)
    names = frames_of(err)
    check("abort" in names and in_order(names, ["onfail_abort_here", "main"]),
          "backtrace lacks abort ... onfail_abort_here <- main: %s" % names)


def case_hang(rspstub, progs):
    started = time.monotonic()
    status, out, err = run_launcher(rspstub, ["--backtrace-only", "--timeout", "1", "--",
                                              os.path.join(progs, "onfail_hang")])
    took = time.monotonic() - started
    expect_status(status, 124, err)
    check(out == "onfail_hang: hanging\n", "stdout: %r" % out)
    check(re.search(r"timed out after 1 s, stopped; thread \d+ at pc 0x", err), "no timeout line:\n" + err)
    names = frames_of(err, r"\(reporting thread\)")
    check(in_order(names, ["onfail_hang_here", "main"]), "backtrace lacks onfail_hang_here: %s" % names)
    check(took < 10, "took %.1f s for a 1 s timeout" % took)


def case_pass(rspstub, progs):
    prog = os.path.join(progs, "onfail_pass")
    direct = subprocess.run([prog, "100", "100"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    status, out, err = run_launcher(rspstub, ["--on-failure", "127.0.0.1:0", "--", prog, "100", "100"])
    check(direct.returncode == 3, "the program itself should exit 3")
    expect_status(status, 3, err)
    check(out == direct.stdout.decode(), "stdout differs: %r vs %r" % (out, direct.stdout))
    check(out == "onfail_pass: stdout line (signals 100)\n", "100 handled SIGUSR1 did not all arrive: %r" % out)
    check(err == direct.stderr.decode(), "stderr differs (rspstub must write nothing): %r" % err)


def case_handled_segv(rspstub, progs):
    status, out, err = run_launcher(rspstub, ["--on-failure", "127.0.0.1:0", "--wait", "0", "--",
                                              os.path.join(progs, "onfail_handled_segv")])
    expect_status(status, 0, err)
    check(out == "onfail_handled_segv: recovered 3 times\n", "stdout: %r" % out)
    check(err == "", "a handled SIGSEGV is not a failure, yet rspstub wrote: %r" % err)


def case_thread_crash(rspstub, progs):
    status, out, err = run_launcher(rspstub, ["--on-failure", "127.0.0.1:0", "--wait", "0", "--",
                                              os.path.join(progs, "onfail_thread_crash")])
    expect_status(status, 139, err)
    m = re.search(r"process (\d+) \(\S+\) got SIGSEGV \(address not mapped\) in thread (\d+) at "
                  r"address 0x10,", err)
    check(m, "no failure line for address 0x10:\n" + err)
    check(m.group(1) != m.group(2), "the faulting thread is a worker, not the main thread")
    check(re.search(r"backtrace of process \d+ \(3 threads\)", err), "not 3 threads:\n" + err)
    first = [l for l in err.splitlines() if l.startswith("Thread ")][0]
    check(first == 'Thread %s "crasher" (faulting thread):' % m.group(2), "first thread: " + first)
    names = frames_of(err)
    check(in_order(names, ["onfail_worker_crash_here", "crasher"]), "worker frames: %s" % names)
    check(re.search(r"in main\+", err), "the main thread's backtrace is missing:\n" + err)


def case_cannot_start(rspstub, progs):
    status, out, err = run_launcher(rspstub, ["--backtrace-only", "--",
                                              os.path.join(progs, "no_such_program")])
    expect_status(status, 127, err)
    check("cannot start" in err, "no message:\n" + err)


def case_wait_expires(rspstub, progs):
    status, out, err = run_launcher(rspstub, ["--on-failure", "127.0.0.1:0", "--wait", "1", "--",
                                              os.path.join(progs, "onfail_crash")])
    expect_status(status, 139, err)
    m = re.search(r"^rspstub: process \d+ .* got SIGSEGV .*; waiting 1 s for a debugger on "
                  r"127\.0\.0\.1:(\d+): gdb -ex 'target remote 127\.0\.0\.1:(\d+)' (\S+)  or  "
                  r"lldb-19 (\S+) -o 'gdb-remote 127\.0\.0\.1:(\d+)'$", err, re.M)
    check(m, "no waiting line with both commands:\n" + err)
    check(m.group(1) == m.group(2) == m.group(5) and m.group(1) != "0", "ports differ: " + m.group(0))
    check("no debugger connected within 1 s" in err, "no expiry message:\n" + err)
    check(in_order(frames_of(err), ["onfail_crash_here", "onfail_crash_caller"]), "no backtrace")


# --------------------------------------------------------------------------------------------
# Cases with a real debugger

class Waiting:
    """rspstub --on-failure running a failing program, until it prints where it waits."""

    def __init__(self, rspstub, address, prog, cwd):
        self.stderr_file = tempfile.TemporaryFile()
        self.p = subprocess.Popen([rspstub, "--on-failure", address, "--wait", "60", "--", prog],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
        self.err = ""
        deadline = time.monotonic() + 30
        while "waiting" not in self.err and time.monotonic() < deadline:
            ready, _, _ = select.select([self.p.stderr], [], [], 0.5)
            if ready:
                chunk = os.read(self.p.stderr.fileno(), 4096).decode(errors="replace")
                if not chunk:
                    break
                self.err += chunk
        check("waiting" in self.err, "rspstub did not start waiting:\n" + self.err)

    def finish(self):
        """Waits for rspstub's exit; returns (status, all of its stderr)."""
        try:
            _, rest = self.p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.kill()
            raise Failure("rspstub did not exit after the debugger left:\n" + self.err)
        self.err += rest.decode(errors="replace")
        return self.p.returncode, self.err

    def kill(self):
        if self.p.poll() is None:
            os.kill(self.p.pid, signal.SIGKILL)
            self.p.wait()


def command_from_line(err, tool):
    m = re.search(r"(gdb -ex '[^']*' \S+)  or  (lldb-19 \S+ -o '[^']*')$", err, re.M)
    check(m, "no commands in the line:\n" + err)
    return m.group(1) if tool == "gdb" else m.group(2)


def run_client(command_line, extra, cwd):
    """Runs the command rspstub printed (through the shell, as a user would paste it), with
    batch options added."""
    p = subprocess.run(command_line + " " + extra, shell=True, cwd=cwd, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, timeout=CLIENT_TIMEOUT, stdin=subprocess.DEVNULL)
    return p.stdout.decode(errors="replace")


def case_gdb(rspstub, progs, address="127.0.0.1:0"):
    check(shutil.which("gdb"), "gdb is not installed (CI installs it)")
    w = Waiting(rspstub, address, "./onfail_crash", progs)
    try:
        cmd = command_from_line(w.err, "gdb")
        transcript = run_client(cmd.replace("gdb ", "gdb -batch -nx ", 1),
                                "-ex bt -ex 'info threads' -ex kill", progs)
        status, err = w.finish()
    finally:
        w.kill()
    check(re.search(r"#0 .*onfail_crash_here \(p=0x0\) at \S*onfail_crash\.c:6", transcript),
          "gdb's bt does not start at onfail_crash_here:\n" + transcript)
    check(re.search(r"#1 .*onfail_crash_caller", transcript), "no caller frame:\n" + transcript)
    expect_status(status, 139, err)


def case_gdb_unix(rspstub, progs):
    d = tempfile.mkdtemp(prefix="onfail")
    try:
        case_gdb(rspstub, progs, "unix:" + os.path.join(d, "dbg.sock"))
    finally:
        shutil.rmtree(d, ignore_errors=True)


def case_lldb(rspstub, progs):
    check(shutil.which("lldb-19"), "lldb-19 is not installed (CI installs it)")
    w = Waiting(rspstub, "127.0.0.1:0", "./onfail_thread_crash", progs)
    try:
        cmd = command_from_line(w.err, "lldb")
        transcript = run_client(cmd.replace("lldb-19 ", "lldb-19 -b --no-lldbinit ", 1),
                                "-o bt -o 'thread list' -o kill", progs)
        status, err = w.finish()
    finally:
        w.kill()
    check(re.search(r"stop reason = signal SIGSEGV", transcript), "no SIGSEGV stop:\n" + transcript)
    check(re.search(r"frame #0: .*onfail_worker_crash_here", transcript),
          "lldb's bt does not start at onfail_worker_crash_here:\n" + transcript)
    check(re.search(r"name = 'crasher'", transcript), "the crasher thread is not selected:\n" + transcript)
    expect_status(status, 139, err)


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    if len(sys.argv) != 4 or sys.argv[3] not in CASES:
        print("usage: test_onfail.py RSPSTUB PROGRAMS_DIR {%s}" % ",".join(sorted(CASES)))
        return 2
    rspstub, progs, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    try:
        CASES[case](rspstub, progs)
    except Failure as e:
        print("FAIL %s: %s" % (case, e))
        return 1
    print("ok %s" % case)
    return 0


if __name__ == "__main__":
    sys.exit(main())
