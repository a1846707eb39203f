"""Machinery of the adversarial suite (Python 3, standard library only).

- Demo: the running demo program (tests/programs/demo.c), its pid and the addresses it prints,
  and ground truth read from /proc/PID/mem.
- Stub: a real rspstub serving the demo (TCP on 127.0.0.1:0, unix:PATH, or stdio over pipes),
  its stderr drained in the background, its memory (VmRSS, VmHWM), open fds and CPU time.
- Conn: a byte channel to the stub (a socket, or the pipes of the stdio transport).
- Client: an RSP client on a Conn that can also misbehave: raw bytes, pipelining, floods.

Children are started with PR_SET_PDEATHSIG, and are only ever ended by their own pid.
"""

import ctypes
import os
import re
import select
import signal
import socket
import subprocess
import threading
import time

READ_TIMEOUT = 10.0  # seconds a reply may take before the stub counts as hung



def peek(pid, address, length):
    """Ground truth: a process's memory read directly from /proc/PID/mem (None if refused)."""
    try:
        with open(f"/proc/{pid}/mem", "rb") as f:
            f.seek(address)
            return f.read(length)
    except OSError:
        return None


def peek_u64(pid, address):
    data = peek(pid, address, 8)
    return int.from_bytes(data, "little") if data and len(data) == 8 else None

class Failure(Exception):
    """A check failed; the message says what was expected and what was seen."""


def check(condition, message):
    if not condition:
        raise Failure(message)


RUN_LENGTH = re.compile(rb"(.)\*(.)", re.S)


def expand_runs(payload):
    """Expands `c*N` run lengths as gdb and lldb do on receipt, before anything else: `c` and
    then N - 29 more copies of it. rspstub compresses runs in `m` replies; every other `*` it
    sends is escaped."""
    return RUN_LENGTH.sub(lambda m: m.group(1) * (m.group(2)[0] - 28), payload)


def checksum(data):
    return sum(data) & 0xFF


def frame(payload):
    """`$payload#cs` with the correct checksum (payload as sent: no escaping is applied)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return b"$" + payload + b"#" + b"%02x" % checksum(payload)


def bad_frame(payload):
    """`$payload#cs` with a checksum that is certainly wrong."""
    if isinstance(payload, str):
        payload = payload.encode()
    return b"$" + payload + b"#" + b"%02x" % ((checksum(payload) + 1) & 0xFF)


def short(data, n=80):
    if not isinstance(data, (str, bytes, bytearray, memoryview)):
        return repr(data)
    data = data.encode() if isinstance(data, str) else bytes(data)
    return repr(data) if len(data) <= n else f"{data[:n]!r}... ({len(data)} bytes)"


# ---------------------------------------------------------------------------------------------
# Processes

def _die_with_parent():
    # If the suite is killed (CTest timeout), its children must not outlive it.
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort
        pass


def read_line(fd, deadline):
    """One line from a pipe fd, or None when the deadline passes or the pipe closes."""
    line = b""
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


def proc_state(pid):
    """The state letter from /proc/PID/stat ('R', 'S', 'Z', ...) or None if gone."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return None


def proc_status_kib(pid, field):
    """A `kB` field of /proc/PID/status (VmRSS, VmHWM), in KiB; None if the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def fd_count(pid):
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def cpu_seconds(pid):
    """utime + stime of a process, in seconds."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except OSError:
        return None


class Demo:
    """The running demo program: pid, &g_counter, and ground truth from /proc/PID/mem."""

    def __init__(self, path):
        self.popen = subprocess.Popen([path], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                      preexec_fn=_die_with_parent)
        self.pid = self.popen.pid
        self.addresses = {}
        printed = []
        deadline = time.monotonic() + 10
        while "g_message" not in self.addresses:
            line = read_line(self.popen.stdout.fileno(), deadline)
            if line is None:
                self.kill()
                raise Failure(f"the demo {path} did not print its addresses within 10 s "
                              f"(printed {printed!r})")
            printed.append(line)
            key, _, value = line.partition(" ")
            if key in ("&g_counter", "&g_message", "g_message"):
                self.addresses[key] = int(value, 16)
        self.counter = self.addresses["&g_counter"]
        deadline = time.monotonic() + 5
        while (self.peek_u64(self.counter) or 0) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)

    def running(self):
        return self.popen.poll() is None and proc_state(self.pid) not in (None, "Z", "X")

    def peek(self, address, length):
        """Ground truth: the demo's memory read directly (None if refused or gone)."""
        return peek(self.pid, address, length)

    def peek_u64(self, address):
        return peek_u64(self.pid, address)

    def maps(self):
        result = []
        with open(f"/proc/{self.pid}/maps") as f:
            for line in f:
                fields = line.split(None, 5)
                start, end = (int(x, 16) for x in fields[0].split("-"))
                name = fields[5].strip() if len(fields) > 5 else ""
                result.append((start, end, fields[1], name))
        return result

    def static_region(self, size):
        """A readable, file-backed, never-written mapping of at least `size` bytes (library
        code): its contents do not change, so replies can be compared byte for byte."""
        best = None
        for start, end, perms, name in self.maps():
            if perms.startswith("r") and "w" not in perms and name.startswith("/") \
                    and end - start >= size and (best is None or end - start > best[1] - best[0]):
                best = (start, end, name)
        check(best is not None, f"the demo has no read-only file mapping of {size} bytes")
        return best

    def kill(self):
        """SIGKILL by pid; the process stays a zombie until reap()."""
        if self.popen.poll() is None:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        while proc_state(self.pid) not in (None, "Z", "X") and time.monotonic() < deadline:
            time.sleep(0.005)

    def reap(self):
        self.kill()
        try:
            self.popen.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


class Stub:
    """rspstub --attach DEMO --no-stop [extra] ADDRESS, with its stderr drained in the background.

    transport: "tcp" (127.0.0.1:0, the port parsed from its log line), ("unix", PATH), or "stdio"
    (its stdin/stdout are pipes to us: see connect_stdio)."""

    def __init__(self, rspstub, demo, extra=(), transport="tcp"):
        self.transport = transport
        self.port = None
        self.unix_path = None
        if transport == "tcp":
            address = "127.0.0.1:0"
        elif transport == "stdio":
            address = "-"
        else:
            self.unix_path = transport[1]
            address = "unix:" + self.unix_path
        self.argv = [rspstub, "--attach", str(demo.pid), "--no-stop", *extra, address]
        stdio = transport == "stdio"
        self.popen = subprocess.Popen(
            self.argv, stdin=subprocess.PIPE if stdio else subprocess.DEVNULL,
            stdout=subprocess.PIPE if stdio else subprocess.DEVNULL, stderr=subprocess.PIPE,
            preexec_fn=_die_with_parent, bufsize=0)
        self.pid = self.popen.pid
        self.log = []
        deadline = time.monotonic() + 10
        while True:
            line = read_line(self.popen.stderr.fileno(), deadline)
            if line is None:
                self.stop()
                raise Failure(f"rspstub did not say it was listening within 10 s (exit status "
                              f"{self.popen.poll()}); it printed: {self.log!r}")
            self.log.append(line)
            m = re.search(r"listening on (\S+)", line)
            if m:
                if transport == "tcp":
                    self.port = int(m.group(1).rsplit(":", 1)[1])
                break
        self._drain = threading.Thread(target=self._drain_stderr, daemon=True)
        self._drain.start()

    def _drain_stderr(self):
        # Buffered: the pipe is unbuffered (bufsize=0), and a stub logging fast must not be
        # slowed down by a reader that takes one byte per system call.
        reader = os.fdopen(self.popen.stderr.fileno(), "rb", buffering=1 << 16, closefd=False)
        for raw in iter(reader.readline, b""):
            self.log.append(raw.decode(errors="replace").rstrip("\n"))

    def alive(self):
        return self.popen.poll() is None and proc_state(self.pid) not in (None, "Z", "X")

    def rss(self):
        return proc_status_kib(self.pid, "VmRSS")

    def hwm(self):
        return proc_status_kib(self.pid, "VmHWM")

    def fds(self):
        return fd_count(self.pid)

    def cpu(self):
        return cpu_seconds(self.pid)

    def wait_exit(self, timeout):
        try:
            return self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None

    def stop(self):
        """Ends the stub if it still runs (SIGTERM, then SIGKILL after 5 s). Returns a problem
        description if it had to be killed or its exit after SIGTERM was not clean (status 0;
        under ASan a leak or error report makes it non-zero), else None."""
        problem = None
        if self.popen.poll() is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
                status = self.popen.wait(timeout=5)
                if status != 0:
                    problem = f"exit status {status} after SIGTERM (expected 0)"
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(timeout=5)
                problem = "did not exit within 5 s of SIGTERM (killed)"
            except ProcessLookupError:
                pass
        for f in (self.popen.stdin, self.popen.stdout):
            if f is not None:
                try:
                    f.close()
                except OSError:
                    pass
        if problem:
            self._drain.join(timeout=2)
        return problem

    def connect(self, rcvbuf=None):
        """A new Conn to the stub (for stdio: its pipes, usable once)."""
        if self.transport == "stdio":
            return Conn(rfd=self.popen.stdout.fileno(), wfd=self.popen.stdin.fileno(),
                        owner=self.popen)
        if self.transport == "tcp":
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            target = ("127.0.0.1", self.port)
        else:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            target = self.unix_path
        if rcvbuf:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        s.settimeout(READ_TIMEOUT)
        s.connect(target)
        return Conn(sock=s)


# ---------------------------------------------------------------------------------------------
# Byte channels

class Closed(Exception):
    """The stub closed the connection (EOF, or a reset)."""


class Conn:
    """A socket, or a pair of pipe fds (the stdio transport). send() raises Closed when the
    peer is gone; recv() returns bytes, None on timeout, and raises Closed on EOF/reset."""

    def __init__(self, sock=None, rfd=None, wfd=None, owner=None):
        self.sock = sock
        self.rfd = sock.fileno() if sock else rfd
        self.wfd = sock.fileno() if sock else wfd
        self.owner = owner
        self.closed = False

    def send(self, data, timeout=READ_TIMEOUT):
        view = memoryview(data)
        deadline = time.monotonic() + timeout
        while view:
            _, w, _ = select.select([], [self.wfd], [], max(0.0, deadline - time.monotonic()))
            if not w:
                raise Failure(f"the stub did not take {len(view)} more bytes within {timeout} s")
            try:
                n = self.sock.send(view[:1 << 20], socket.MSG_DONTWAIT) if self.sock \
                    else os.write(self.wfd, view[:65536])
            except BlockingIOError:
                continue
            except (BrokenPipeError, ConnectionResetError) as e:
                raise Closed(str(e)) from e
            view = view[n:]

    def try_send(self, data):
        """Sends what the socket takes now, without blocking: bytes sent (raises Closed)."""
        try:
            if self.sock:
                return self.sock.send(data, socket.MSG_DONTWAIT)
            return os.write(self.wfd, data)
        except BlockingIOError:
            return 0
        except (BrokenPipeError, ConnectionResetError) as e:
            raise Closed(str(e)) from e

    def recv(self, timeout):
        r, _, _ = select.select([self.rfd], [], [], max(0.0, timeout))
        if not r:
            return None
        try:
            data = self.sock.recv(1 << 20, socket.MSG_DONTWAIT) if self.sock \
                else os.read(self.rfd, 1 << 20)
        except BlockingIOError:
            return b""
        except ConnectionResetError as e:
            raise Closed("connection reset") from e
        if not data:
            raise Closed("end of stream")
        return data

    def wait(self, timeout, want_write):
        """select() on the read side (and the write side if want_write): (readable, writable)."""
        r, w, _ = select.select([self.rfd], [self.wfd] if want_write else [], [],
                                max(0.0, timeout))
        return bool(r), bool(w)

    def shutdown_write(self):
        if self.sock:
            self.sock.shutdown(socket.SHUT_WR)
        else:
            os.close(self.wfd)
            self.owner.stdin = None

    def close(self, reset=False):
        """Closes; reset=True makes it abrupt (SO_LINGER 0: the stub sees a reset)."""
        if self.closed:
            return
        self.closed = True
        if self.sock:
            try:
                if reset:
                    self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                         b"\x01\x00\x00\x00\x00\x00\x00\x00")
                self.sock.close()
            except OSError:
                pass


# ---------------------------------------------------------------------------------------------
# The RSP client

REFUSAL = b"E.rspstub: another debugger is already connected"


class Client:
    """Reads what the stub sends as events: ('+',), ('-',) or ('$', payload). Checks every
    reply's checksum. In ack mode, acknowledges each reply packet it reads."""

    def __init__(self, conn):
        self.conn = conn
        self.buf = bytearray()
        self.scan = 0  # where to go on looking for '#' in buf
        self.ack_mode = True
        self.reply_acks = True  # send '+' for each reply read while in ack mode

    def send(self, data):
        self.conn.send(data)

    def close(self, reset=False):
        self.conn.close(reset)

    def _fill(self, deadline, what):
        left = deadline - time.monotonic()
        data = self.conn.recv(left) if left > 0 else None
        if data is None:
            raise Failure(f"no reply from the stub within {self.timeout:g} s while waiting for "
                          f"{what} (buffered: {short(self.buf)})")
        self.buf += data

    def pending(self):
        return bytes(self.buf)

    def event(self, timeout=READ_TIMEOUT, what="a reply"):
        """The next thing the stub sent. Raises Closed on EOF, Failure on timeout or garbage."""
        deadline = time.monotonic() + timeout
        self.timeout = timeout
        while True:
            while not self.buf:
                self._fill(deadline, what)
            c = self.buf[0]
            if c in (0x2B, 0x2D):  # '+', '-'
                del self.buf[:1]
                self.scan = 0
                return (chr(c),)
            check(c == 0x24, f"the stub sent {short(self.buf)}, not an ack or a packet")
            while True:
                end = self.buf.find(b"#", max(1, self.scan))
                if end != -1 and len(self.buf) >= end + 3:
                    break
                self.scan = len(self.buf) if end == -1 else end
                self._fill(deadline, what)
            payload = bytes(self.buf[1:end])
            cs = bytes(self.buf[end + 1:end + 3])
            del self.buf[:end + 3]
            self.scan = 0
            check(cs == b"%02x" % checksum(payload),
                  f"reply {short(payload)} has checksum {cs!r}, expected {checksum(payload):02x}")
            if self.ack_mode and self.reply_acks:
                self.conn.send(b"+")
            return ("$", expand_runs(payload))

    def packet(self, timeout=READ_TIMEOUT, what="a reply"):
        """The next packet, skipping acks (a '-' is a failure: nothing was sent wrongly)."""
        while True:
            ev = self.event(timeout, what)
            if ev[0] == "$":
                return ev[1]
            check(self.ack_mode, f"the stub sent {ev[0]!r} in no-ack mode (waiting for {what})")
            check(ev[0] == "+", f"the stub sent '-' while waiting for {what}")

    def request(self, payload, timeout=READ_TIMEOUT):
        """Sends a correctly framed packet and returns the reply payload. In ack mode the '+'
        must come first."""
        self.send(frame(payload))
        if self.ack_mode:
            ev = self.event(timeout, f"the ack of {short(payload, 40)}")
            if ev[0] == "$" and ev[1] == REFUSAL:
                raise Refused()
            check(ev == ("+",), f"expected '+' for {short(payload, 40)}, got {ev!r}")
        return self.packet(timeout, f"the reply to {short(payload, 40)}")

    def expect_silence(self, duration, after=""):
        """Nothing at all may arrive within `duration` seconds."""
        data = self.conn.recv(duration)
        check(not data and not self.buf,
              f"expected no reply {after}, got {short(bytes(self.buf) + (data or b''))}")

    def expect_closed(self, timeout=READ_TIMEOUT, what="the stub to close the connection"):
        """Reads until EOF/reset; returns everything that arrived (events left unparsed)."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            check(left > 0, f"expected {what} within {timeout} s; it stayed open "
                            f"(received {short(self.buf)})")
            try:
                data = self.conn.recv(left)
            except Closed:
                out = bytes(self.buf)
                self.buf.clear()
                return out
            if data:
                self.buf += data

    def handshake(self, no_ack=True):
        # As gdb opens (no xmlRegisters=: that would mark the connection as lldb's).
        features = self.request("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
                                "vContSupported+")
        m = re.search(rb"PacketSize=([0-9a-fA-F]+)", features)
        check(m is not None, f"qSupported: no PacketSize in {short(features)}")
        self.packet_size = int(m.group(1), 16)
        if no_ack:
            check(self.request("QStartNoAckMode") == b"OK", "QStartNoAckMode: expected OK")
            self.ack_mode = False
        return self

    def read_u64(self, address):
        reply = self.request(f"m{address:x},8")
        check(re.fullmatch(rb"[0-9a-f]{16}", reply) is not None,
              f"m{address:x},8: expected 16 hex digits, got {short(reply)}")
        return int.from_bytes(bytes.fromhex(reply.decode()), "little")


def expect_refused(conn):
    """A connection made while another debugger is attached: the refusal packet, then EOF."""
    c = Client(conn)
    c.reply_acks = False  # the stub closes right after it: an ack could hit a reset
    got = c.expect_closed(what="the stub to refuse and close a second connection")
    check(got == b"$" + REFUSAL + b"#%02x" % checksum(REFUSAL),
          f"a second connection: expected the refusal packet and a close, got {short(got)}")
    c.close()


class Refused(Failure):
    def __init__(self):
        super().__init__("the stub refused the connection: another debugger is connected")


def parse_hex_reply(reply):
    """Bytes of a hex reply, or None if it is not hex data."""
    if not reply or len(reply) % 2 or re.fullmatch(rb"[0-9a-f]+", reply) is None:
        return None
    return bytes.fromhex(reply.decode())


def is_error(reply, code=None):
    if code is not None:
        return reply == code.encode() if isinstance(code, str) else reply == code
    return re.fullmatch(rb"E[0-9a-f]{2}", reply) is not None


class RssSampler:
    """Samples a process's VmRSS every few ms in a thread; .peak is the largest seen (KiB)."""

    def __init__(self, pid, interval=0.01, limit_kib=None, what=""):
        self.pid = pid
        self.limit_kib = limit_kib  # if set: a Failure at the end if the peak went above it
        self.what = what
        self.interval = interval
        self.peak = proc_status_kib(pid, "VmRSS") or 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.wait(self.interval):
            v = proc_status_kib(self.pid, "VmRSS")
            if v is None:
                return
            self.peak = max(self.peak, v)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, exc_type, *exc):
        self._stop.set()
        self._thread.join(timeout=2)
        v = proc_status_kib(self.pid, "VmRSS")
        if v is not None:
            self.peak = max(self.peak, v)
        if exc_type is None and self.limit_kib is not None:
            check(self.peak <= self.limit_kib,
                  f"the stub's VmRSS reached {self.peak} KiB during {self.what} (limit "
                  f"{self.limit_kib} KiB)")
