"""The frame of every process-control scenario script (Python 3, standard library only).

    python3 gdb_scenarios.py  --server KIND [--server-bin PATH] --programs DIR SCENARIO
    python3 lldb_scenarios.py --server KIND [--server-bin PATH] --programs DIR SCENARIO

KIND is rspstub, gdbserver or lldb-server (servers.py knows how to start each); without
--server-bin a peer is looked up in PATH. DIR holds the built test programs (control_basic, ...;
sources in tests/programs/). The script runs one scenario; it exits 0 if every check passed, 1
(after printing the client transcripts, the server's output and its packet log) if not.
E2E_VERBOSE=1 prints the transcripts on success too.

Every wait is bounded: the server must listen within servers.LISTEN_TIMEOUT, a client run within
CLIENT_TIMEOUT, and waits for a process to exit take an explicit timeout. Teardown ends only what
the test started (the servers, the programs they launched, the programs it started), by pid.
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback

import procs
from procs import TestFailure, check
from servers import KINDS, Server, resolve_binary

CLIENT_TIMEOUT = 45  # seconds per client run; CTest's TIMEOUT (90 s) bounds the whole test
SOURCE_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                           "..", "..", "programs"))


def source_line(source, marker):
    """The line number of `/* @line MARKER */` in tests/programs/SOURCE."""
    with open(os.path.join(SOURCE_DIR, source)) as f:
        for number, text in enumerate(f, 1):
            if re.search(rf"@line {re.escape(marker)}\b", text):
                return number
    raise TestFailure(f"no '@line {marker}' marker in {source}")


class Context:
    def __init__(self, options):
        self.server_kind = options.server
        self.server_bin = options.server_bin
        self.programs = options.programs
        self.scenario = options.scenario
        self.tmp = tempfile.mkdtemp(prefix="rspstub-control-")
        self.servers = []
        self.own_programs = []  # Popen of programs the test started itself
        self.transcripts = []   # (title, argv, text)

    # -- programs and servers ------------------------------------------------------------------

    def program(self, name):
        path = os.path.join(self.programs, name)
        check(os.access(path, os.X_OK), f"test program {path} is missing (build it first)")
        return path

    def launch(self, name, *args):
        """A server (of the kind under test) that starts programs/NAME ARGS."""
        binary = resolve_binary(self.server_kind, self.server_bin)
        server = Server(self.server_kind, binary, self.tmp, program=self.program(name),
                        args=[str(a) for a in args])
        self.servers.append(server)
        server.inferior_pid  # noqa: B018 - find the launched process now, while it exists
        return server

    def attach(self, pid):
        binary = resolve_binary(self.server_kind, self.server_bin)
        server = Server(self.server_kind, binary, self.tmp, attach_pid=pid)
        self.servers.append(server)
        return server

    def start_program(self, name, *args):
        """Starts programs/NAME ARGS ourselves (for attach); its output goes to a file."""
        out = open(os.path.join(self.tmp, f"{name}-{len(self.own_programs)}.out"), "wb")
        popen = subprocess.Popen([self.program(name)] + [str(a) for a in args],
                                 stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                 preexec_fn=procs.die_with_parent)
        out.close()
        self.own_programs.append(popen)
        return popen

    # -- clients -------------------------------------------------------------------------------

    def run_client(self, title, argv, timeout=CLIENT_TIMEOUT):
        """Runs a debugger to completion; returns (exit status, stdout and stderr together)."""
        env = dict(os.environ)
        env.pop("DEBUGINFOD_URLS", None)  # never reach for the network
        env["TERM"] = "dumb"
        started = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=env, cwd=self.tmp,
                                preexec_fn=procs.die_with_parent)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            self.transcripts.append((f"{title} (KILLED after {timeout} s)", argv,
                                     out.decode(errors="replace")))
            raise TestFailure(f"{title}: {os.path.basename(argv[0])} did not finish within "
                              f"{timeout} s")
        text = out.decode(errors="replace")
        self.transcripts.append((f"{title} (exit status {proc.returncode}, "
                                 f"{time.monotonic() - started:.1f} s)", argv, text))
        return proc.returncode, text

    # -- reporting and teardown ----------------------------------------------------------------

    def dump(self):
        for title, argv, text in self.transcripts:
            print(f"\n===== {title}\n$ {' '.join(_quote(a) for a in argv)}\n{text}")
        for i, server in enumerate(self.servers, 1):
            status = "running" if server.running() else f"exit status {server.popen.poll()}"
            print(f"\n===== server {i}: {' '.join(_quote(a) for a in server.argv)} ({status})")
            print("\n".join(server.output))
            if server.log_path:
                print(f"----- packet log {server.log_path}\n{server.packet_log()}")

    def teardown(self):
        for server in self.servers:
            server.kill_inferior()
            server.stop()
            if server.launched_pid:
                procs.wait_gone(server.launched_pid, 2)  # and reap it if it became our child
        for popen in self.own_programs:
            if popen.poll() is None:
                os.kill(popen.pid, signal.SIGKILL)
            popen.wait(timeout=5)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _quote(arg):
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def _raise_on_signal(signum, _frame):
    raise TestFailure(f"interrupted by signal {signum}")


def main(client, scenarios):
    """Parses the command line and runs one scenario: scenarios[name](ctx)."""
    parser = argparse.ArgumentParser(description=f"process-control scenarios with {client}")
    parser.add_argument("--server", choices=KINDS, required=True)
    parser.add_argument("--server-bin", help="the server's executable (peers: looked up in PATH)")
    parser.add_argument("--programs", required=True, help="directory of the built test programs")
    parser.add_argument("scenario", choices=sorted(scenarios))
    options = parser.parse_args()
    signal.signal(signal.SIGTERM, _raise_on_signal)
    signal.signal(signal.SIGINT, _raise_on_signal)
    procs.become_subreaper()
    ctx = Context(options)
    name = f"{client} + {options.server}: {options.scenario}"
    try:
        scenarios[options.scenario](ctx)
    except Exception as e:  # noqa: BLE001 - report everything, then fail
        print(f"FAIL {name}: {e}", flush=True)
        if not isinstance(e, TestFailure):
            traceback.print_exc(file=sys.stdout)
        try:
            ctx.dump()
        except Exception:  # noqa: BLE001
            traceback.print_exc(file=sys.stdout)
        print(f"\nFAIL {name}: {e}", flush=True)
        code = 1
    else:
        if os.environ.get("E2E_VERBOSE"):
            ctx.dump()
        print(f"PASS {name}", flush=True)
        code = 0
    finally:
        ctx.teardown()
    sys.exit(code)


# ---------------------------------------------------------------------------------------------
# What the test programs compute from their pid (see tests/programs/control_*.c), and checks on
# the debugged process that both clients share.

def basic_values(pid, argc):
    """control_basic's run-time values: main calls level1(pid % 10000)."""
    arg1 = pid % 10000
    arg2 = arg1 * 2
    arg3 = arg2 + 5
    return {"arg1": arg1, "arg2": arg2, "local2": arg3, "arg3": arg3, "local3": arg3 * 3,
            "level3_result": arg3 * 3 + 1, "g_runtime_value": pid * 1000 + argc}


def check_runs_on_after_detach(pid, what, done_file=None, popen=None, exit_timeout=20):
    """After a detach: the process runs, untraced and not stopped, and then finishes on its own
    (control_basic ticks N FILE writes FILE when it is done)."""
    st = procs.state(pid)
    check(procs.running(pid), f"{what}: process {pid} is gone after the detach (state {st})")
    check(st not in ("t", "T"), f"{what}: process {pid} is still stopped after the detach "
                                f"(state {st}): the server did not resume it")
    tracer = procs.tracer_pid(pid)
    check(tracer == 0, f"{what}: process {pid} is still traced by pid {tracer} after the detach")
    if popen is not None:
        try:
            status = popen.wait(timeout=exit_timeout)
        except subprocess.TimeoutExpired:
            raise TestFailure(f"{what}: process {pid} still runs {exit_timeout} s after the "
                              f"detach (state {procs.state(pid)})") from None
        check(status == 0, f"{what}: process {pid} exited with status {status} after the detach")
    else:
        check(procs.wait_gone(pid, exit_timeout),
              f"{what}: process {pid} still runs {exit_timeout} s after the detach "
              f"(state {procs.state(pid)})")
    if done_file is not None:
        check(os.path.exists(done_file) and open(done_file).read() == "done\n",
              f"{what}: process {pid} ended without finishing its work ({done_file} missing): "
              f"it was killed, not left to run")


def check_killed(pid, what, timeout=10):
    check(procs.wait_gone(pid, timeout),
          f"{what}: process {pid} still exists {timeout} s after the kill "
          f"(state {procs.state(pid)}, traced by {procs.tracer_pid(pid)})")
