"""Starts a debug server on 127.0.0.1 for the process-control tests: rspstub, gdbserver or
lldb-server-19, either launching a program or attaching to a running process.

Each server listens on a port it picks itself (port 0), and the launcher learns the port the way
that server tells it: rspstub and gdbserver print it, lldb-server writes it to a pipe (--pipe FD).
No port is ever probed with a connection (gdbserver would take that as its one debugger).
The launched program is the server's child; its pid is found in /proc (parent pid and
executable), so every server is treated alike.

Command lines (PORT is 0, the server picks a free port):
  rspstub --log-packets LOG 127.0.0.1:0 -- PROG ARGS        rspstub --attach PID --log-packets LOG 127.0.0.1:0
  gdbserver 127.0.0.1:0 PROG ARGS                           gdbserver --attach 127.0.0.1:0 PID
  lldb-server-19 gdbserver --pipe FD [--log-file LOG --log-channels 'gdb-remote packets']
                 127.0.0.1:0 -- PROG ARGS                   lldb-server-19 gdbserver --pipe FD ... --attach PID 127.0.0.1:0
E2E_SERVER_LOG=1 adds --remote-debug to gdbserver (its packet log goes to its output).
"""

import os
import re
import select
import shutil
import signal
import subprocess
import threading
import time

from procs import TestFailure, die_with_parent, process_start_time, running

KINDS = ("rspstub", "gdbserver", "lldb-server")
# The binary a peer is looked up as in PATH when no path is given (.ci/install-deps installs them).
PEER_BINARIES = {"gdbserver": ("gdbserver", "gdbserver"), "lldb-server": ("lldb-server-19", "lldb-19")}
LISTEN_TIMEOUT = 15  # seconds until the server must say where it listens


def resolve_binary(kind, path=None):
    """The server's executable: `path` if given, else the peer's usual name in PATH."""
    if path:
        if not os.access(path, os.X_OK):
            raise TestFailure(f"{kind}: {path} is not an executable file")
        return path
    if kind not in PEER_BINARIES:
        raise TestFailure(f"{kind}: no server binary given (--server-bin)")
    name, package = PEER_BINARIES[kind]
    found = shutil.which(name)
    if found is None:
        raise TestFailure(f"{name} is not installed, and this peer test needs it (install the "
                          f"Debian package {package}; .ci/install-deps does)")
    return found


class Server:
    """One running debug server. `inferior_pid` is the debugged process (found lazily for a
    launched program, given for an attach)."""

    def __init__(self, kind, binary, tmpdir, program=None, args=(), attach_pid=None,
                 multi=False):
        if kind not in KINDS:
            raise ValueError(f"unknown server kind {kind!r}")
        self.kind = kind
        self.program = program
        self.attach_pid = attach_pid
        self.log_path = None
        self.output = []  # the server's stdout and stderr, line by line (and the program's)
        self.port = None
        self._inferior = None  # (pid, start time), to never signal a recycled pid
        port_pipe = None
        if kind == "rspstub":
            self.log_path = os.path.join(tmpdir, f"rspstub-{time.monotonic_ns()}.log")
            argv = [binary] + (["--multi"] if multi else []) + (
                ["--attach", str(attach_pid)] if attach_pid else []) + [
                "--log-packets", self.log_path, "127.0.0.1:0"]
            if program:
                argv += ["--", program, *args]
        elif kind == "gdbserver":
            argv = [binary]
            if os.environ.get("E2E_SERVER_LOG"):
                argv.append("--remote-debug")
            if multi:
                argv += ["--multi", "127.0.0.1:0"] + ([program, *args] if program else [])
            elif attach_pid:
                argv += ["--attach", "127.0.0.1:0", str(attach_pid)]
            else:
                argv += ["127.0.0.1:0", program, *args]
        else:
            self.log_path = os.path.join(tmpdir, f"lldb-server-{time.monotonic_ns()}.log")
            port_pipe = os.pipe()
            argv = [binary, "gdbserver", "--pipe", str(port_pipe[1]),
                    "--log-file", self.log_path, "--log-channels", "gdb-remote packets"]
            argv += ["--attach", str(attach_pid), "127.0.0.1:0"] if attach_pid else [
                "127.0.0.1:0", "--", program, *args]
        self.argv = argv
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, preexec_fn=die_with_parent,
                                      pass_fds=[port_pipe[1]] if port_pipe else [])
        self.pid = self.popen.pid
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()
        try:
            if port_pipe:
                os.close(port_pipe[1])
                self.port = self._port_from_pipe(port_pipe[0])
            else:
                pattern = (r"listening on 127\.0\.0\.1:(\d+)" if kind == "rspstub"
                           else r"Listening on port (\d+)")
                self.port = self._port_from_output(pattern)
        except TestFailure:
            self.stop()
            raise
        finally:
            if port_pipe:
                os.close(port_pipe[0])

    # -- start-up ------------------------------------------------------------------------------

    def _drain_output(self):
        for raw in iter(self.popen.stdout.readline, b""):
            self.output.append(raw.decode(errors="replace").rstrip("\n"))

    def _not_listening(self, why):
        time.sleep(0.2)  # let the drain thread collect its last words
        status = self.popen.poll()
        said = "\n".join("    " + line for line in self.output) or "    (nothing)"
        return TestFailure(f"{self.kind} {why} (exit status {status}); command: "
                           f"{' '.join(self.argv)}\n  it printed:\n{said}")

    def _port_from_output(self, pattern):
        deadline = time.monotonic() + LISTEN_TIMEOUT
        seen = 0
        while time.monotonic() < deadline:
            for line in self.output[seen:]:
                m = re.search(pattern, line)
                if m:
                    return int(m.group(1))
                seen += 1
            if self.popen.poll() is not None:
                self._drain.join(timeout=2)
                if not any(re.search(pattern, line) for line in self.output):
                    raise self._not_listening("exited before listening")
            time.sleep(0.02)
        raise self._not_listening(f"did not say where it listens within {LISTEN_TIMEOUT} s")

    def _port_from_pipe(self, fd):
        deadline = time.monotonic() + LISTEN_TIMEOUT
        data = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                chunk = os.read(fd, 64)
                data += chunk
                if b"\0" in data or (not chunk and data):
                    return int(data.split(b"\0")[0])
                if not chunk:
                    raise self._not_listening("closed its --pipe without writing a port")
            elif self.popen.poll() is not None:
                raise self._not_listening("exited before listening")
        raise self._not_listening(f"did not write its port within {LISTEN_TIMEOUT} s")

    # -- the debugged process ------------------------------------------------------------------

    @property
    def inferior_pid(self):
        if self._inferior is None:
            pid = self.attach_pid or self._find_launched_child()
            self._inferior = (pid, process_start_time(pid))
        return self._inferior[0]

    def _find_launched_child(self, timeout=10):
        """The server's child process running `program` (after its exec)."""
        want = os.path.realpath(self.program)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for entry in os.listdir("/proc"):
                if not entry.isdigit():
                    continue
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                    if ppid == self.pid and os.path.realpath(f"/proc/{entry}/exe") == want:
                        return int(entry)
                except (OSError, ValueError, IndexError):
                    continue
            time.sleep(0.05)
        raise TestFailure(f"{self.kind} (pid {self.pid}) has no child process running "
                          f"{self.program} after {timeout} s")

    @property
    def launched_pid(self):
        """The pid of the program this server launched, if it was found; else None."""
        return self._inferior[0] if self._inferior and not self.attach_pid else None

    def kill_inferior(self):
        """SIGKILL for the process this server launched, if it is still that process."""
        if self._inferior is None or self.attach_pid:
            return
        pid, started = self._inferior
        if running(pid) and process_start_time(pid) == started:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass

    # -- the server itself ---------------------------------------------------------------------

    def running(self):
        return self.popen.poll() is None

    def stop(self, grace=3.0):
        """SIGTERM, then SIGKILL after `grace` seconds; by pid, only this server."""
        if self.popen.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                self.popen.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)
            except ProcessLookupError:
                pass
        self._drain.join(timeout=2)

    def packet_log(self, max_lines=300):
        if not self.log_path or not os.path.exists(self.log_path):
            return "(no packet log)"
        with open(self.log_path, errors="replace") as f:
            lines = [line.rstrip("\n")[:300] for line in f]
        if len(lines) > max_lines:
            half = max_lines // 2
            lines = lines[:half] + [f"... ({len(lines) - max_lines} lines left out) ..."] + lines[-half:]
        return "\n".join(lines)
