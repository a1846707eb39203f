"""Shared machinery of the end-to-end tests (Python 3, standard library only).

Each test script is run by CTest as `python3 test_X.py RSPSTUB DEMO [options]` and calls
`harness.main(body)`. The harness starts the demo program (tests/programs/demo.c) and reads what it
prints, starts rspstub on port 0 and parses the port it picked, runs the real clients with a time
limit, and always tears everything down by process id. On a failure it prints the client
transcripts, rspstub's stderr and its packet log (--log-packets), then exits 1.

E2E_VERBOSE=1 prints the transcripts and packet logs on success too. For comparisons,
E2E_SERVER=gdbserver serves the demo with `gdbserver --attach` instead of rspstub
(gdbserver stops the process, so the checks of changing values fail there: that is expected).
"""

import ctypes
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback

CLIENT_TIMEOUT = 30  # seconds, per client run; the CTest TIMEOUT bounds the whole test


class TestFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


def check(condition, message):
    if not condition:
        raise TestFailure(message)


# ---------------------------------------------------------------------------------------------
# Child processes

def _die_with_parent():
    # If the test script itself is killed (CTest timeout), its children must not outlive it.
    PR_SET_PDEATHSIG = 1
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except Exception:  # noqa: BLE001 - best effort only
        pass


def _read_line(stream, deadline):
    """One line from a pipe, or None when the deadline passes or the pipe closes."""
    line = b""
    fd = stream.fileno()
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            return None
        ch = os.read(fd, 1)
        if not ch:
            return line.decode(errors="replace") if line else None
        if ch == b"\n":
            return line.decode(errors="replace")
        line += ch
    return None


def _terminate(popen, grace=3.0):
    """Ends a child we started, by its pid: SIGTERM, then SIGKILL after `grace` seconds."""
    if popen is None or popen.poll() is not None:
        return
    try:
        os.kill(popen.pid, signal.SIGTERM)
        popen.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.kill(popen.pid, signal.SIGKILL)
        popen.wait(timeout=5)
    except ProcessLookupError:
        pass


def process_running(pid):
    """True if `pid` exists and is not a zombie (a dead child stays visible to kill(pid, 0))."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        return state not in ("Z", "X")
    except OSError:
        return False


class Demo:
    """The running demo program: pid and the addresses it printed."""

    def __init__(self, path):
        self.popen = subprocess.Popen([path], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                      preexec_fn=_die_with_parent)
        self.pid = None
        self.addresses = {}  # "&g_counter", "&g_message", "g_message", "g_zeros" -> int
        self.output = []
        deadline = time.monotonic() + 10
        while "g_message" not in self.addresses:
            line = _read_line(self.popen.stdout, deadline)
            if line is None:
                raise TestFailure(f"the demo program {path} did not print its pid and addresses "
                                  f"within 10 s; it printed: {self.output!r}")
            self.output.append(line)
            key, _, value = line.partition(" ")
            if key == "pid":
                self.pid = int(value)
            elif key in ("&g_counter", "&g_message", "g_message", "g_zeros"):
                self.addresses[key] = int(value, 16)
        check(self.pid == self.popen.pid,
              f"the demo printed pid {self.pid}, but its process id is {self.popen.pid}")
        self.heap = self.mapping_of(self.addresses["g_message"])  # (start, end, perms, name)
        check(self.heap is not None and self.heap[3] == "[heap]",
              f"the demo's g_message {self.addresses['g_message']:#x} is not in its [heap] "
              f"mapping: {self.heap!r}")
        self.tids = self.thread_ids()  # main and ticker; the demo starts no others
        check(len(self.tids) == 2, f"the demo should have 2 threads, it has {self.tids}")
        # Let it tick a few times, so that g_counter differs from its initial value 0.
        deadline = time.monotonic() + 5
        while True:
            value = self.peek_u64(self.addresses["&g_counter"])
            if value is None:  # /proc/PID/mem refused: just give it time
                time.sleep(0.1)
                break
            if value >= 3:
                break
            check(time.monotonic() < deadline, "the demo's g_counter did not start counting")
            time.sleep(0.01)

    def running(self):
        return self.popen.poll() is None and process_running(self.pid)

    def maps(self):
        """[(start, end, perms, name)] from /proc/PID/maps."""
        result = []
        with open(f"/proc/{self.pid}/maps") as f:
            for line in f:
                fields = line.split(None, 5)
                start, end = (int(x, 16) for x in fields[0].split("-"))
                name = fields[5].strip() if len(fields) > 5 else ""
                result.append((start, end, fields[1], name))
        return result

    def mapping_of(self, address):
        for m in self.maps():
            if m[0] <= address < m[1]:
                return m
        return None

    def peek_u64(self, address):
        """Ground truth for the tests: reads the demo's memory directly (None if refused)."""
        try:
            with open(f"/proc/{self.pid}/mem", "rb") as f:
                f.seek(address)
                return int.from_bytes(f.read(8), "little")
        except OSError:
            return None

    def thread_ids(self):
        return sorted(int(t) for t in os.listdir(f"/proc/{self.pid}/task"))

    def stop(self):
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=5)


class Stub:
    """rspstub (or, with E2E_SERVER=gdbserver, gdbserver) serving the demo on 127.0.0.1."""

    def __init__(self, argv, log_path, port_pattern, port=None):
        self.argv = argv
        self.log_path = log_path
        self.stderr_lines = []
        self.popen = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
        deadline = time.monotonic() + 10
        self.port = port
        while True:
            line = _read_line(self.popen.stdout, deadline)
            if line is None:
                _terminate(self.popen)
                raise TestFailure(f"{argv[0]} did not say it was listening within 10 s "
                                  f"(exit status {self.popen.poll()}); it printed:\n"
                                  + "\n".join(self.stderr_lines))
            self.stderr_lines.append(line)
            m = re.search(port_pattern, line)
            if m:
                if self.port is None:
                    self.port = int(m.group(1))
                break
        # Keep draining its output so that it never blocks on a full pipe.
        self._drain = threading.Thread(target=self._drain_output, daemon=True)
        self._drain.start()

    def _drain_output(self):
        for raw in iter(self.popen.stdout.readline, b""):
            self.stderr_lines.append(raw.decode(errors="replace").rstrip("\n"))

    def running(self):
        return self.popen.poll() is None

    def wait_exit(self, timeout):
        """Exit status, or None if it is still running after `timeout` seconds."""
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        _terminate(self.popen)
        self._drain.join(timeout=2)

    def packet_log(self):
        if not self.log_path or not os.path.exists(self.log_path):
            return "(no packet log)"
        with open(self.log_path, errors="replace") as f:
            return f.read()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------
# A minimal RSP client, for tests that speak the protocol themselves

def checksum(data):
    return sum(data) & 0xFF


def frame(payload):
    if isinstance(payload, str):
        payload = payload.encode()
    return b"$" + payload + b"#" + b"%02x" % checksum(payload)


def expand_rle(data):
    """Undoes run-length encoding: `c*N` stands for c followed by N-29 more copies of c."""
    out = bytearray()
    i = 0
    while i < len(data):
        b = data[i]
        if b == 0x2A and out and i + 1 < len(data):  # '*'
            out += bytes([out[-1]]) * (data[i + 1] - 29)
            i += 2
            continue
        out.append(b)
        i += 1
    return bytes(out)


def unescape_binary(data):
    out = bytearray()
    i = 0
    while i < len(data):
        if data[i] == 0x7D and i + 1 < len(data):  # '}'
            out.append(data[i + 1] ^ 0x20)
            i += 2
        else:
            out.append(data[i])
            i += 1
    return bytes(out)


class RspClient:
    """Sends packets and returns reply payloads (run-length encoding already expanded)."""

    def __init__(self, port, timeout=10.0, transcript=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.ack_mode = True
        self.buffer = b""
        self.stray_acks_after_no_ack = []  # acks the stub sent although no-ack mode was on
        self.transcript = transcript if transcript is not None else []

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def _recv_more(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise TestFailure("the stub closed the connection")
        self.buffer += chunk

    def _read_packet(self):
        while True:
            while not self.buffer:
                self._recv_more()
            c = self.buffer[:1]
            if c in (b"+", b"-"):
                if not self.ack_mode:
                    self.stray_acks_after_no_ack.append(c)
                self.buffer = self.buffer[1:]
                continue
            if c != b"$":
                raise TestFailure(f"unexpected byte {c!r} from the stub (buffer {self.buffer[:80]!r})")
            while True:
                end = self.buffer.find(b"#", 1)
                if end != -1 and len(self.buffer) >= end + 3:
                    break
                self._recv_more()
            payload = self.buffer[1:end]
            cs = self.buffer[end + 1:end + 3]
            self.buffer = self.buffer[end + 3:]
            check(cs == b"%02x" % checksum(payload),
                  f"bad checksum {cs!r} on reply {payload[:80]!r} (expected {checksum(payload):02x})")
            if self.ack_mode:
                self.sock.sendall(b"+")
            return expand_runs(payload)

    def send(self, payload):
        """Sends one packet (waiting for its ack in ack mode)."""
        data = frame(payload)
        self.transcript.append(f"-> {data[:200]!r}")
        self.sock.sendall(data)
        if self.ack_mode:
            while not self.buffer:
                self._recv_more()
            ack = self.buffer[:1]
            self.buffer = self.buffer[1:]
            check(ack == b"+", f"expected '+' ack for {payload!r}, got {ack!r}")

    def request(self, payload):
        """Sends a packet and returns the reply payload, with run-length encoding expanded."""
        self.send(payload)
        reply = expand_rle(self._read_packet())
        self.transcript.append(f"<- {reply[:200]!r}")
        return reply

    def start_no_ack(self):
        reply = self.request("QStartNoAckMode")
        check(reply == b"OK", f"QStartNoAckMode: expected OK, got {reply!r}")
        self.ack_mode = False

    def read_memory(self, address, length):
        """`m` request: the bytes read, or the error reply as a string ("E04")."""
        return decode_hex_reply(self.request(f"m{address:x},{length:x}"))


def is_error_reply(reply):
    """`E NN`, `E NN;text` or `E.text` (hex data is lowercase and of even length)."""
    return reply[:1] == b"E" and (len(reply) == 3 or reply[3:4] == b";" or reply[1:2] == b".")


RUN_LENGTH = re.compile(rb"(.)\*(.)", re.S)


def expand_runs(payload):
    """Expands `c*N` run lengths as gdb and lldb do on receipt, before anything else: `c` and
    then N - 29 more copies of it. rspstub compresses runs in `m` replies; every other `*` it
    sends is escaped."""
    return RUN_LENGTH.sub(lambda m: m.group(1) * (m.group(2)[0] - 28), payload)


ZEROS_BYTES = 65536  # the demo's g_zeros block


def check_zeros_around_counter(path, low, high, what):
    """The file a client wrote of the demo's g_zeros: ZEROS_BYTES bytes, zero but for the middle
    word, which holds a g_counter from low to high (None: no upper bound)."""
    with open(path, "rb") as f:
        zeros = f.read()
    check(len(zeros) == ZEROS_BYTES, f"{what} wrote {len(zeros)} bytes, not {ZEROS_BYTES}")
    middle = ZEROS_BYTES // 2
    live = int.from_bytes(zeros[middle:middle + 8], "little")
    check(zeros[:middle] == bytes(middle) and zeros[middle + 8:] == bytes(ZEROS_BYTES - middle - 8),
          f"{what} of g_zeros: bytes other than the middle word are not zero")
    check(live >= low and (high is None or live <= high),
          f"{what} of g_zeros: the middle word is {live}; g_counter was {low} before the read "
          f"and {high} after the session")


def decode_hex_reply(reply):
    """Bytes of an `m` reply; an error or empty reply comes back as a str ("E04", "")."""
    if not reply or is_error_reply(reply) or not re.fullmatch(rb"(?:[0-9a-fA-F]{2})+", reply):
        return reply.decode(errors="replace")
    return bytes.fromhex(reply.decode())


# ---------------------------------------------------------------------------------------------
# The test context

def require_tool(name, package):
    path = shutil.which(name)
    if path is None:
        raise TestFailure(f"{name} is not installed, and this end-to-end test needs it "
                          f"(install the Debian package {package}; .ci/install-deps does)")
    return path


class Context:
    def __init__(self, rspstub, demo_path, args):
        self.rspstub = rspstub
        self.demo_path = demo_path
        self.args = args  # remaining command-line arguments of the test script
        self.tmp = tempfile.mkdtemp(prefix="rspstub-e2e-")
        self.server = os.environ.get("E2E_SERVER", "rspstub")
        self.demos = []
        self.stubs = []
        self.transcripts = []  # (title, text) of every client run, printed on failure
        self.notes = []

    def start_demo(self):
        demo = Demo(self.demo_path)
        self.demos.append(demo)
        return demo

    def start_stub(self, demo, once=False):
        n = len(self.stubs) + 1
        log_path = os.path.join(self.tmp, f"packets-{n}.log")
        if self.server == "gdbserver":
            port = _free_port()
            argv = ["gdbserver"] + (["--once"] if once else []) + [
                "--attach", f"127.0.0.1:{port}", str(demo.pid)]
            stub = Stub(argv, None, r"Listening on port (\d+)", port=port)
        else:
            argv = [self.rspstub, "--attach", str(demo.pid), "--no-stop"] + (
                ["--once"] if once else []) + ["--log-packets", log_path, "127.0.0.1:0"]
            stub = Stub(argv, log_path, r"listening on 127\.0\.0\.1:(\d+)")
        self.stubs.append(stub)
        return stub

    def run_client(self, title, argv, timeout=CLIENT_TIMEOUT):
        """Runs a debugger to completion; returns (exit status, combined stdout+stderr)."""
        env = dict(os.environ)
        env.pop("DEBUGINFOD_URLS", None)  # never reach for the network
        env["TERM"] = "dumb"
        started = time.monotonic()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, env=env, cwd=self.tmp,
                                preexec_fn=_die_with_parent)
        try:
            out, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            out, _ = proc.communicate()
            text = out.decode(errors="replace")
            self.transcripts.append((f"{title} (KILLED after {timeout} s)", argv, text))
            raise TestFailure(f"{title}: {argv[0]} did not finish within {timeout} s")
        text = out.decode(errors="replace")
        self.transcripts.append(
            (f"{title} (exit status {proc.returncode}, {time.monotonic() - started:.1f} s)", argv, text))
        return proc.returncode, text

    def note(self, text):
        self.notes.append(text)
        print(text, flush=True)

    def dump(self):
        for title, argv, text in self.transcripts:
            if isinstance(text, list):
                text = "\n".join(text)
            print(f"\n===== {title}\n$ {' '.join(_quote(a) for a in argv)}\n{text}")
        for i, stub in enumerate(self.stubs, 1):
            print(f"\n===== server {i}: {' '.join(stub.argv)} "
                  f"({'running' if stub.running() else f'exit status {stub.popen.poll()}'})")
            print("\n".join(stub.stderr_lines))
            log = stub.packet_log()
            lines = [line if len(line) <= 300 else line[:300] + f"... ({len(line)} chars)"
                     for line in log.splitlines()]
            log = "\n".join(lines)
            if len(lines) > 400:
                log = "\n".join(lines[:150] + [f"... ({len(lines) - 300} lines left out) ..."]
                                + lines[-150:])
            print(f"----- packet log {stub.log_path}\n{log}")

    def teardown(self):
        for stub in self.stubs:
            stub.stop()
        for demo in self.demos:
            demo.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


def _quote(arg):
    return arg if re.fullmatch(r"[\w@%+=:,./-]+", arg) else "'" + arg.replace("'", "'\\''") + "'"


def _raise_on_signal(signum, _frame):
    raise TestFailure(f"interrupted by signal {signum}")


def main(body):
    """Runs body(ctx); exits 0 if it returns, 1 (after printing diagnostics) if a check fails."""
    if len(sys.argv) < 3:
        print(f"usage: {sys.argv[0]} RSPSTUB DEMO [options]", file=sys.stderr)
        sys.exit(2)
    signal.signal(signal.SIGTERM, _raise_on_signal)
    signal.signal(signal.SIGINT, _raise_on_signal)
    ctx = Context(sys.argv[1], sys.argv[2], sys.argv[3:])
    name = os.path.basename(sys.argv[0])
    try:
        for path in (ctx.rspstub, ctx.demo_path):
            check(os.access(path, os.X_OK), f"{path} is not an executable file")
        body(ctx)
    except Exception as e:  # noqa: BLE001 - report everything, then fail
        print(f"FAIL {name} {' '.join(ctx.args)}: {e}", flush=True)
        if not isinstance(e, TestFailure):
            traceback.print_exc(file=sys.stdout)
        try:
            ctx.dump()
        except Exception:  # noqa: BLE001
            traceback.print_exc(file=sys.stdout)
        print(f"\nFAIL {name} {' '.join(ctx.args)}: {e}", flush=True)
        code = 1
    else:
        if os.environ.get("E2E_VERBOSE"):
            ctx.dump()
        print(f"PASS {name} {' '.join(ctx.args)}", flush=True)
        code = 0
    finally:
        ctx.teardown()
    sys.exit(code)
