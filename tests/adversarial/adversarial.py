#!/usr/bin/env python3
"""The adversarial suite: hostile input at the packet level against the real rspstub serving the
real demo program (tests/programs/demo.c). Python 3, standard library only.

Usage: adversarial.py RSPSTUB DEMO [--group G]... [--case GROUP.NAME]... [--list]

Without --group/--case every case runs. Each case attacks the stub, then asserts that
  (1) the stub process is alive,
  (2) a fresh valid `m <&g_counter>,8` - on the same connection where that connection must
      survive the attack, on a new one where the stub must have closed it - returns 16 hex
      digits, that the value lies between the ground truth (/proc/PID/mem) read before and after
      it, and that it advances over time,
  (3) the stub's VmRSS is at most RSS_LIMIT_KIB above its post-handshake baseline.
At the end a summary line gives the number of cases and the stub's peak memory (VmHWM) under
the flood tests (groups oversized, pipeline, flood, slowloris, churn).

Groups (one CTest test each, adversarial.<group>): framing, parsing, oversized, disconnect,
pipeline, flood, slowloris, churn, single (one debugger at a time), once, target (dying
targets), transports (unix:PATH and stdio). --list prints every case with what it checks.

Each stub must also exit with status 0 on SIGTERM at the end of its group (under ASan that
includes a clean leak check).
ADV_VERBOSE=1 prints the stub's log after every case, not only after a failure.
"""

import argparse
import os
import random
import resource
import re
import socket
import stat
import subprocess
import sys
import tempfile
import time
import traceback

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from advlib import (Client, Closed, Demo, Failure, Refused, RssSampler, Stub,  # noqa: E402
                    bad_frame, check, expect_refused, frame, is_error, parse_hex_reply,
                    short)

RSS_LIMIT_KIB = 4096  # growth allowed over the post-handshake baseline
FLOOD_GROUPS = ("oversized", "pipeline", "flood", "slowloris", "churn")

E_MALFORMED, E_RANGE, E_TOO_LARGE, E_NO_MEMORY = b"E01", b"E02", b"E03", b"E04"
E_GONE, E_MODE, E_INVALID = b"E06", b"E07", b"E0b"


# ---------------------------------------------------------------------------------------------
# A stub serving a demo, with its baseline; the checks every case ends with

class Fixture:
    def __init__(self, suite, extra=(), transport="tcp", demo=None):
        self.suite = suite
        self.demo = demo or Demo(suite.demo_path)
        self.own_demo = demo is None
        try:
            self.stub = Stub(suite.rspstub, self.demo, extra, transport)
        except Exception:
            if self.own_demo:
                self.demo.reap()
            raise
        suite.fixtures.append(self)  # torn down by the suite, even if the rest fails
        self.counter = self.demo.counter
        self.m_counter = f"m{self.counter:x},8"
        self.stdio = transport == "stdio"
        self.base_sockets = self._sockets()
        # The post-handshake baseline: one connection open, negotiated, a few reads done.
        c = self.connect() if not self.stdio else Client(self.stub.connect()).handshake()
        for _ in range(3):
            c.read_u64(self.counter)
        self.packet_size = c.packet_size
        self.baseline_rss = self.stub.rss()
        if self.stdio:
            self.stdio_client = c
        else:
            c.close()
            self.wait_idle()
        self.base_fds = self.stub.fds()

    # -- connections

    def _sockets(self):
        """Sockets the stub holds (its listener and its connections)."""
        n = 0
        try:
            for fd in os.listdir(f"/proc/{self.stub.pid}/fd"):
                try:
                    if os.readlink(f"/proc/{self.stub.pid}/fd/{fd}").startswith("socket:"):
                        n += 1
                except OSError:
                    pass
        except OSError:
            return None
        return n

    def wait_idle(self, timeout=5.0):
        """Waits until the stub holds no connection (so that a new one is served, not refused)."""
        deadline = time.monotonic() + timeout
        while True:
            n = self._sockets()
            if n is None or n <= self.base_sockets:
                return
            check(time.monotonic() < deadline,
                  f"the stub still holds {n - self.base_sockets} connection(s) {timeout} s after "
                  f"its clients closed them")
            time.sleep(0.005)

    def connect(self, no_ack=True, handshake=True, rcvbuf=None):
        """A connection the stub serves (waits for the previous one to be gone first)."""
        check(not self.stdio, "the stdio transport has one connection")
        deadline = time.monotonic() + 5
        while True:
            self.wait_idle()
            c = Client(self.stub.connect(rcvbuf=rcvbuf))
            if not handshake:
                return c
            try:
                return c.handshake(no_ack=no_ack)
            except (Refused, Closed):
                c.close()
                check(time.monotonic() < deadline, "every new connection was refused for 5 s")
                time.sleep(0.01)

    # -- the three checks

    def verify(self, client=None, what="afterwards"):
        """(1) alive, (2) a valid read on `client` (or a new connection) is right and advances,
        (3) VmRSS within the limit. Returns the client used (closed if it was a new one)."""
        check(self.stub.alive(), f"the stub is not running {what} (exit status "
                                 f"{self.stub.popen.poll()})")
        own = client is None
        c = client or self.connect()
        try:
            before = self.demo.peek_u64(self.counter)
            v1 = c.read_u64(self.counter)
            after = self.demo.peek_u64(self.counter)
            if before is not None and after is not None:
                check(before <= v1 <= after, f"m {self.m_counter} {what} read {v1}, but the "
                                             f"counter was {before} before and {after} after")
            deadline = time.monotonic() + 3
            while True:
                time.sleep(0.03)
                v2 = c.read_u64(self.counter)
                if v2 > v1:
                    break
                check(time.monotonic() < deadline,
                      f"g_counter read through the stub {what} stays at {v1} (expected it to "
                      f"advance)")
        finally:
            if own:
                c.close()
        self.check_rss(what)
        return c

    def check_rss(self, what="afterwards"):
        rss = self.stub.rss()
        check(rss is not None, f"the stub is gone {what}")
        growth = rss - self.baseline_rss
        self.suite.note_rss(self, growth)
        check(growth <= RSS_LIMIT_KIB or self.suite.sanitized,
              f"the stub's VmRSS grew from {self.baseline_rss} KiB to {rss} KiB {what} "
              f"(limit +{RSS_LIMIT_KIB} KiB)")

    def sampler(self):
        """Samples VmRSS during an attack; fails if it went beyond the limit."""
        limit = None if self.suite.sanitized else self.baseline_rss + RSS_LIMIT_KIB
        return RssSampler(self.stub.pid, limit_kib=limit, what="the attack")

    def close(self):
        """Stops the stub (and the demo if it is ours); a problem description or None."""
        self.suite.note_hwm(self)
        problem = self.stub.stop()
        if self.own_demo:
            self.demo.reap()
        return problem


# ---------------------------------------------------------------------------------------------
# Helpers for attacks

def pump(conn, data, chunk=1 << 20, timeout=60):
    """Sends `data` (bytes, or an iterable of chunks) while reading whatever comes back, so
    neither side can block on a full buffer; stops early when the stub closes the connection.
    Returns (bytes sent, bytes received, closed)."""
    if isinstance(data, (bytes, bytearray)):
        data = [bytes(data[i:i + chunk]) for i in range(0, len(data), chunk)]
    sent, received = 0, bytearray()
    deadline = time.monotonic() + timeout
    for piece in data:
        view = memoryview(piece)
        while view:
            left = deadline - time.monotonic()
            check(left > 0, f"the stub stopped reading after {sent} bytes")
            readable, writable = conn.wait(min(left, 1.0), True)
            try:
                if readable:
                    got = conn.recv(0)
                    if got:
                        received += got
                if writable:
                    n = conn.try_send(view)
                    view = view[n:]
                    sent += n
            except Closed:
                # A send that meets the stub's reset does not lose what the stub sent before
                # it: that is still queued here (Linux keeps it), and read now.
                return sent, bytes(received + drain_after_close(conn)), True
    return sent, bytes(received), False


def drain_after_close(conn):
    """What is still readable on a connection the stub has closed (possibly with a reset)."""
    rest = bytearray()
    try:
        while (got := conn.recv(0)) is not None:
            rest += got
    except Closed:
        pass
    return bytes(rest)


def split_events(data):
    """Acks and packets in raw stub output: ['+', '-', b'payload', ...] (checksums checked)."""
    out, i = [], 0
    while i < len(data):
        c = data[i:i + 1]
        if c in (b"+", b"-"):
            out.append(c.decode())
            i += 1
            continue
        check(c == b"$", f"unexpected byte {c!r} at {i} in stub output {short(data[i:])}")
        end = data.find(b"#", i)
        check(end != -1 and end + 3 <= len(data),
              f"truncated packet in stub output {short(data[i:])}")
        payload = data[i + 1:end]
        check(data[end + 1:end + 3] == b"%02x" % (sum(payload) & 0xFF),
              f"bad checksum on {short(payload)}")
        out.append(payload)
        i = end + 3
    return out


def escape_all(payload):
    """Every byte sent escaped (`}` + byte ^ 0x20): legal, twice the size on the wire."""
    return b"".join(b"}" + bytes([b ^ 0x20]) for b in payload)


def framed_raw(raw):
    """`$raw#cs`, the checksum over the bytes as sent (what a correct escaper would produce)."""
    return b"$" + raw + b"#" + b"%02x" % (sum(raw) & 0xFF)


def expect_reply(c, payload, expected, what=None):
    reply = c.request(payload)
    ok = expected(reply) if callable(expected) else reply == expected
    check(ok, f"{what or short(payload, 60)}: expected "
              f"{expected if not callable(expected) else expected.__doc__}, got {short(reply)}")
    return reply


def u64_reply(reply):
    return re.fullmatch(rb"[0-9a-f]{16}", reply) is not None


# ---------------------------------------------------------------------------------------------
# Cases. Each is `def name(suite)` registered in a group; suite.fx() is the group's shared stub.

GROUPS = {}


def case(group):
    def register(fn):
        GROUPS.setdefault(group, []).append((fn.__name__, fn))
        return fn
    return register


# ----- framing

@case("framing")
def garbage_noise(s):
    """64 KiB of line noise (no `$ # + - } 0x03`) is skipped without a reply, in ack and
    no-ack mode, and the connection goes on."""
    fx = s.fx()
    table = bytes(range(256)).translate(None, b"$#+-}\x03")
    noise = bytes(table[b % len(table)] for b in random.Random(7).randbytes(64 * 1024))
    for no_ack in (False, True):
        c = fx.connect(no_ack=no_ack)
        c.send(noise)
        c.expect_silence(0.3, "to line noise")
        fx.verify(c, "after 64 KiB of line noise")
        c.close()


@case("framing")
def garbage_random(s):
    """256 KiB of random bytes (which make up bad packets, acks, nacks): the stub may answer
    or close, but survives, and a new connection is served."""
    fx = s.fx()
    rng = random.Random(11)
    for no_ack in (False, True):
        c = fx.connect(no_ack=no_ack)
        pump(c.conn, rng.randbytes(256 * 1024), chunk=4096)
        c.close(reset=True)
        fx.verify(what="after 256 KiB of random bytes")


@case("framing")
def dollar_without_hash(s):
    """`$` without `#`: the next `$` starts over, so the packet after it is answered (once)."""
    fx = s.fx()
    c = fx.connect()
    for junk in (b"$" + fx.m_counter.encode(), b"$$$$", b"$" + b"x" * 1000, b"$m", b"$m1,"):
        c.send(junk)
        c.expect_silence(0.05, f"to the unterminated {short(junk, 20)}")
        c.send(frame(fx.m_counter))
        check(u64_reply(c.packet()), "expected the counter after a restarted packet")
        c.expect_silence(0.05, "after the one reply")
    fx.verify(c)
    c.close()


@case("framing")
def hash_without_dollar(s):
    """`#` and checksums without `$` are noise: no reply; the connection goes on."""
    fx = s.fx()
    for no_ack in (False, True):
        c = fx.connect(no_ack=no_ack)
        body = fx.m_counter.encode()
        c.send(body + b"#%02x" % (sum(body) & 0xFF) + b"#" + b"##00#ff" + b"#" * 1000)
        c.expect_silence(0.2, "to '#' without '$'")
        fx.verify(c)
        c.close()


@case("framing")
def stray_acks(s):
    """`+`/`-` before any reply: nothing to repeat. `-` after a reply (ack mode): the same reply
    again, without a `+`. In no-ack mode acks are ignored."""
    fx = s.fx()
    c = fx.connect(handshake=False)
    c.send(b"+-+-++--" * 16)
    c.expect_silence(0.2, "to acks before any reply")
    first = c.request(fx.m_counter)
    check(u64_reply(first), f"first read: {short(first)}")
    c.send(b"-")
    check(c.event() == ("$", first), "a '-' must bring the same reply again")
    c.send(b"-" * 50)
    for i in range(50):
        ev = c.event()
        check(ev == ("$", first), f"resend {i} of 50: expected {short(first)}, got {ev!r}")
    c.send(b"+" * 100)
    c.expect_silence(0.1, "to '+' acks")
    check(c.request("QStartNoAckMode") == b"OK", "QStartNoAckMode")
    c.ack_mode = False
    c.send(b"-+-+--++" * 8)
    c.expect_silence(0.2, "to acks in no-ack mode")
    fx.verify(c)
    c.close()


@case("framing")
def bad_checksum_ack_mode(s):
    """A bad checksum in ack mode gets exactly `-` and is not executed (not even `D` or `k`);
    the resent packet is answered."""
    fx = s.fx()
    c = fx.connect(no_ack=False)
    body = fx.m_counter.encode()
    for wire in (bad_frame(body), b"$" + body + b"#zz", b"$" + body + b"#g0", b"$" + body + b"#0g",
                 bad_frame("D"), bad_frame("k"), bad_frame("QStartNoAckMode"), bad_frame("")):
        c.send(wire)
        ev = c.event(what=f"the nack of {short(wire, 30)}")
        check(ev == ("-",), f"{short(wire, 40)}: expected '-', got {ev!r}")
        c.expect_silence(0.05, f"after the '-' for {short(wire, 30)}")
    check(u64_reply(c.request(fx.m_counter)), "the resent packet must be answered")
    fx.verify(c, "after bad checksums (ack mode)")
    c.close()


@case("framing")
def bad_checksum_no_ack_mode(s):
    """A bad checksum in no-ack mode gets E01 (nobody would resend) and is not executed; the
    connection stays in no-ack mode."""
    fx = s.fx()
    c = fx.connect(no_ack=True)
    body = fx.m_counter.encode()
    for wire in (bad_frame(body), b"$" + body + b"#zz", bad_frame("D"), bad_frame("k"),
                 bad_frame("")):
        c.send(wire)
        ev = c.event(what=f"the reply to {short(wire, 30)}")
        check(ev == ("$", E_MALFORMED), f"{short(wire, 40)}: expected $E01, got {ev!r}")
    c.expect_silence(0.05, "after the E01s")
    fx.verify(c, "after bad checksums (no-ack mode)")
    c.close()


@case("framing")
def escapes(s):
    """Valid escapes are undone before parsing; escaped `#`/`$`/`}` in an `m` are bad hex (E01);
    a lone `}` at the end of a packet (before `#`) must not swallow the packet or the next."""
    fx = s.fx()
    c = fx.connect()
    body = fx.m_counter.encode()
    # Every byte escaped: the same read.
    c.send(framed_raw(escape_all(body)))
    check(u64_reply(c.packet()), "an m packet with every byte escaped must be answered")
    for raw in (b"m}\x03,8", b"m}\x04,8", b"m}],8", b"m1}\x03,8"):  # '#', '$', '}' in the payload
        c.send(framed_raw(raw))
        reply = c.packet()
        check(reply == E_MALFORMED, f"{raw!r}: expected E01, got {short(reply)}")
    fx.verify(c, "after escapes")
    # A dangling escape: `}` right before `#`. A raw `#` always ends a packet (gdb and gdbserver
    # frame so); the payload then ends in half an escape: malformed.
    c.send(framed_raw(body + b"}"))
    reply = c.packet(timeout=1.0)
    check(reply == E_MALFORMED,
          f"`$m...,8}}#cs` (a `}}` right before `#`): expected E01, got {short(reply)}")
    c.close(reset=True)
    c = fx.connect()
    # A dangling escape at the end of an unterminated packet, then a valid packet: its `$`
    # must start a new packet (framing.hpp: "A `$` inside a packet starts the packet over").
    c.send(b"$m}" + frame(fx.m_counter))
    reply = c.packet(timeout=1.0)
    check(u64_reply(reply),
          f"`$m}}` then a valid `$m<addr>,8#cs`: expected the counter (the `$` starts a new "
          f"packet), got {short(reply)}")
    c.close(reset=True)
    # Whatever happened, a client that tries again gets its answer.
    c = fx.connect()
    c.send(b"$m" + body + b"}" + b"#00")
    c.send(frame(fx.m_counter))
    replies = []
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        try:
            replies.append(c.packet(timeout=0.3))
        except Failure:
            c.send(frame(fx.m_counter))
            continue
        if u64_reply(replies[-1]):
            break
    check(replies and u64_reply(replies[-1]), f"no counter after a dangling escape: {replies!r}")
    fx.verify(c, "after dangling escapes")
    c.close()


@case("framing")
def nul_bytes(s):
    """NUL bytes inside packets are data (E01 in an `m`, unknown packet otherwise); between
    packets they are noise."""
    fx = s.fx()
    c = fx.connect()
    hexaddr = f"{fx.counter:x}".encode()
    for payload, expected in ((b"m\0" + hexaddr + b",8", E_MALFORMED),
                              (b"m" + hexaddr + b"\0,8", E_MALFORMED),
                              (b"m" + hexaddr + b",8\0", E_MALFORMED),
                              (b"m" + hexaddr + b",\0" + b"8", E_MALFORMED),
                              (b"\0", b""), (b"\0" * 1000, b""), (b"?\0", b""),
                              (b"x" + hexaddr + b",\0", E_MALFORMED)):
        expect_reply(c, payload, expected)
    c.send(b"\0" * 4096 + frame(fx.m_counter) + b"\0" * 4096)
    check(u64_reply(c.packet()), "the read between NULs")
    c.expect_silence(0.1, "to NULs between packets")
    fx.verify(c, "after NUL bytes")
    c.close()


@case("framing")
def interrupts(s):
    """0x03 between packets: nothing to interrupt in inspection mode, no reply, and packets
    around it are answered. 0x03 inside a packet is a payload byte."""
    fx = s.fx()
    c = fx.connect()
    c.send(b"\x03")
    c.expect_silence(0.1, "to 0x03")
    c.send(b"\x03" * 10000)
    c.expect_silence(0.1, "to 10000 x 0x03")
    c.send(frame(fx.m_counter) + b"\x03" + frame(fx.m_counter) + b"\x03\x03")
    check(u64_reply(c.packet()) and u64_reply(c.packet()), "both reads around an 0x03")
    c.expect_silence(0.1, "after both reads")
    body = fx.m_counter.encode()
    mid = body[:3] + b"\x03" + body[3:]
    c.send(frame(mid))  # checksum includes the 0x03: a malformed m
    check(c.packet() == E_MALFORMED, "m with 0x03 inside: expected E01")
    c.send(b"$" + mid + b"#%02x" % (sum(body) & 0xFF))  # checksum without it: bad checksum
    check(c.packet() == E_MALFORMED, "0x03 mid-packet, checksum without it (no-ack): E01")
    c.close()
    c = fx.connect(no_ack=False)
    c.send(b"$" + mid + b"#%02x" % (sum(body) & 0xFF))
    check(c.event() == ("-",), "0x03 mid-packet, checksum without it (ack mode): '-'")
    fx.verify(c, "after interrupts")
    c.close()


@case("framing")
def unterminated(s):
    """Packets cut short: a new `$` starts over; a `$` where the checksum belongs makes a bad
    checksum (`-`, resp. E01), after which a resent packet is answered."""
    fx = s.fx()
    body = fx.m_counter.encode()
    for no_ack in (False, True):
        c = fx.connect(no_ack=no_ack)
        bad = ("-",) if not no_ack else ("$", E_MALFORMED)
        for cut in (b"$" + body + b"#", b"$" + body + b"#0"):
            c.send(cut)
            c.expect_silence(0.05, f"to {short(cut, 30)} (the checksum is incomplete)")
            c.send(frame(body))
            ev = c.event()
            check(ev == bad, f"{short(cut, 30)} + a packet: expected {bad!r}, got {ev!r}")
            c.expect_silence(0.05, "after the bad checksum")
            check(u64_reply(c.request(fx.m_counter)), "the resent read")
        c.send(b"$" + b"a" * 100000)  # long, below PacketSize, never ended
        c.expect_silence(0.1, "to an unterminated 100000-byte packet")
        check(u64_reply(c.request(fx.m_counter)), "a packet after an unterminated one")
        fx.verify(c, "after unterminated packets")
        c.close()


# ----- parsing

@case("parsing")
def overlong_numbers(s):
    """Hex numbers of 17 digits and more are malformed (E01), even with leading zeros; 16 digits
    are fine."""
    fx = s.fx()
    c = fx.connect()
    a = f"{fx.counter:x}"
    for addr in ("0" * (17 - len(a)) + a, "1" + "0" * 16, "f" * 17, "0" * 100, "0" * 4000,
                 "0" * 17):
        expect_reply(c, f"m{addr},8", E_MALFORMED)
        expect_reply(c, f"x{addr},8", E_MALFORMED)
    for length in ("0" * 16 + "8", "f" * 17, "0" * 3000 + "8"):
        expect_reply(c, f"m{a},{length}", E_MALFORMED)
    expect_reply(c, f"m{fx.counter:016x},{8:016x}", u64_reply, "16-digit address and length")
    for payload in ("p" + "0" * 17, "Hg" + "1" * 17, "qXfer:features:read:target.xml:"
                    + "0" * 17 + ",10", "qXfer:features:read:target.xml:0," + "f" * 17,
                    "qMemoryRegionInfo:" + "f" * 17, "T" + "1" * 17):
        reply = c.request(payload)
        check(is_error(reply), f"{short(payload.encode(), 50)}: expected an error, got "
                               f"{short(reply)}")
    fx.verify(c, "after overlong numbers")
    c.close()


@case("parsing")
def range_overflow(s):
    """addr+len past 2^64 is E02; ranges that end exactly at 2^64 are not overflows; huge lengths
    that do not wrap are served short (at most PacketSize/2 bytes)."""
    fx = s.fx()
    c = fx.connect()
    ctr = fx.counter
    for payload, expected in ((f"mffffffffffffffff,2", E_RANGE),
                              (f"m8000000000000000,8000000000000001", E_RANGE),
                              (f"m{ctr:x},ffffffffffffffff", E_RANGE),
                              (f"m2,ffffffffffffffff", E_RANGE),
                              (f"xffffffffffffffff,2", E_RANGE),
                              (f"x{ctr:x},ffffffffffffffff", E_RANGE),
                              (f"mffffffffffffffff,1", E_NO_MEMORY),
                              (f"m1,ffffffffffffffff", E_NO_MEMORY),
                              (f"m8000000000000000,8", E_NO_MEMORY),
                              (f"m0,8", E_NO_MEMORY),
                              (f"m800000000000,8", E_NO_MEMORY),  # not canonical
                              (f"mffff800000000000,8", E_NO_MEMORY),  # kernel space
                              (f"mffffffffff600000,8", E_NO_MEMORY),  # vsyscall
                              (f"Mffffffffffffffff,2:0000", E_MODE),
                              (f"Xffffffffffffffff,2:ab", E_MODE)):
        expect_reply(c, payload, expected)
    # Huge, non-wrapping lengths: the readable prefix, never more than PacketSize/2 bytes.
    start, end, name = fx.demo.static_region(fx.packet_size)
    for length in (1 << 47, 0x7FFFFFFFFFFFFFFF - start, fx.packet_size):
        reply = c.request(f"m{start:x},{length:x}")
        data = parse_hex_reply(reply)
        check(data is not None and len(data) == min(fx.packet_size // 2, end - start),
              f"m{start:x},{length:x} ({name}): expected {fx.packet_size // 2} bytes, got "
              f"{short(reply)}")
        check(data == fx.demo.peek(start, len(data)), f"m{start:x},{length:x}: wrong bytes")
    reply = c.request(f"m{ctr:x},{1 << 40:x}")
    check(parse_hex_reply(reply) is not None and 16 <= len(reply) <= fx.packet_size,
          f"m&g_counter,2^40: expected a short read, got {short(reply)}")
    for payload in ("qXfer:features:read:target.xml:ffffffffffffffff,ffffffffffffffff",
                    "qXfer:auxv:read::ffffffffffffffff,1",
                    "qXfer:threads:read::fffffffffffffff0,ffffffffffffffff"):
        expect_reply(c, payload, E_INVALID)
    for payload in ("qXfer:features:read:target.xml:0,ffffffffffffffff",
                    "qXfer:threads:read::0,ffffffffffffffff"):
        reply = c.request(payload)
        check(reply[:1] in (b"m", b"l") and len(reply) <= fx.packet_size + 1,
              f"{payload}: expected a chunk of at most PacketSize, got {short(reply)}")
    for payload in ("qMemoryRegionInfo:ffffffffffffffff", "pffffffffffffffff",
                    "Hgffffffffffffffff", "Tffffffffffffffff", "Z0,ffffffffffffffff,1",
                    "vKill;ffffffffffffffff"):
        reply = c.request(payload)
        check(reply != b"" or payload.startswith("qMem"), f"{payload}: no reply ({reply!r})")
    fx.verify(c, "after overflowing ranges")
    c.close()


@case("parsing")
def malformed_fields(s):
    """Missing, empty, signed, prefixed or extra fields are E01; a zero length is E0b; the
    connection goes on."""
    fx = s.fx()
    c = fx.connect()
    a = f"{fx.counter:x}"
    for payload in ("m", "m,", "m,8", f"m{a}", f"m{a},", f"m{a},8,8", "m-1,8", "m0x10,8",
                    f"m {a},8", f"m{a};8", f"m{a},8;thread:1;", f"m{a},-8", "x", f"x{a}",
                    f"x{a},zz", f"M{a}", "H", "Hg", "Hgzz", "Hgp1.", "pzz", "p",
                    "qXfer:features:read:", "qXfer:features:read:target.xml:",
                    "qXfer:features:read:target.xml:0", "Z9,0,0", "Z0", "qMemoryRegionInfo:zz"):
        reply = c.request(payload)
        check(is_error(reply), f"{payload!r}: expected an error, got {short(reply)}")
    expect_reply(c, f"m{a},0", E_INVALID)
    expect_reply(c, f"m{a.upper()},8", u64_reply, "upper-case hex")
    fx.verify(c, "after malformed fields")
    c.close()


# ----- oversized packets and streams

@case("oversized")
def exactly_packet_size(s):
    """A packet of exactly PacketSize bytes of payload is accepted."""
    fx = s.fx()
    c = fx.connect()
    payload = b"qSupported:" + b"x" * (fx.packet_size - 11)
    check(b"PacketSize=" in c.request(payload), "a PacketSize-byte qSupported must be answered")
    # The same, every byte escaped: twice as long on the wire, PacketSize after unescaping.
    c.send(framed_raw(b"qSupported:" + escape_all(b"x" * (fx.packet_size - 11))))
    check(b"PacketSize=" in c.packet(), "an escaped PacketSize-byte packet must be answered")
    fx.verify(c, "after PacketSize-byte packets")
    c.close()


@case("oversized")
def one_byte_over(s):
    """PacketSize+1 bytes: E03, then the stub closes the connection (ack and no-ack mode, plain
    and escaped); a new connection is served."""
    fx = s.fx()
    over = b"qSupported:" + b"x" * (fx.packet_size - 10)
    escaped = framed_raw(b"qSupported:" + escape_all(b"x" * (fx.packet_size - 10)))
    for no_ack, wire in ((True, frame(over)), (False, frame(over)), (True, escaped)):
        c = fx.connect(no_ack=no_ack)
        _, got, closed = pump(c.conn, wire)
        got += c.expect_closed(what="the stub to close after E03") if not closed else b""
        events = split_events(got)
        check(E_TOO_LARGE in events, f"PacketSize+1 bytes (no_ack={no_ack}): expected E03, got "
                                     f"{events!r}")
        # Never acked, in either mode: the packet was not accepted.
        check(events == [E_TOO_LARGE],
              f"PacketSize+1 bytes: expected only the E03, got {events!r}")
        c.close()
        fx.verify(what="after an oversized packet")


def stream_until_closed(fx, first, filler, total, what):
    """Streams `first` + filler up to `total` bytes in 1 MiB chunks; stops as soon as the stub
    closes. Returns (bytes sent, events received)."""
    c = fx.connect()
    chunk = (filler * ((1 << 20) // len(filler) + 1))[:1 << 20]

    def chunks():
        yield first
        for _ in range(total // len(chunk)):
            yield chunk

    with fx.sampler():
        sent, got, closed = pump(c.conn, chunks())
        if not closed:
            got += c.expect_closed(what=f"the stub to close {what}")
    c.close()
    events = split_events(got)
    check(events == [E_TOO_LARGE], f"{what}: expected E03, got {events!r}")
    check(sent < total, f"{what}: the stub took all {total} bytes without closing")
    return sent


@case("oversized")
def unterminated_256mib(s):
    """`$` and 256 MiB without `#`, in 1 MiB chunks: E03 and a close after PacketSize bytes;
    VmRSS stays flat (gdbserver 13 crashed here, lldb-server 19 grew by ~965 MiB)."""
    fx = s.fx()
    sent = stream_until_closed(fx, b"$", b"A", 256 << 20, "an unterminated 256 MiB packet")
    s.log(f"    closed after {sent / (1 << 20):.1f} MiB sent of 256 MiB")
    sent = stream_until_closed(fx, b"$", b"}", 256 << 20, "256 MiB of escape characters")
    fx.verify(what="after 256 MiB streams")


@case("oversized")
def endless_noise(s):
    """64 MiB of noise, and 16 MiB of `$` (each one starting over): no packet ever grows past
    PacketSize, so the connection stays, and memory stays flat."""
    fx = s.fx()
    c = fx.connect()
    with fx.sampler():
        for filler, size in ((b"noise!", 64 << 20), (b"$", 16 << 20), (b"$aaaaaaa", 16 << 20)):
            chunk = (filler * ((1 << 20) // len(filler) + 1))[:1 << 20]
            _, got, closed = pump(c.conn, [chunk] * (size >> 20))
            check(not closed and not got, f"{size >> 20} MiB of {filler!r}: expected no reply, "
                                          f"got {short(got)} (closed: {closed})")
    fx.verify(c, "after 96 MiB of noise")
    c.close()


@case("oversized")
def small_packet_size(s):
    """--packet-size 512: PacketSize=200 advertised, 512 accepted, 513 refused with E03 and a
    close; reads are served at most 256 bytes at a time."""
    fx = s.new_fixture(extra=("--packet-size", "512"))
    check(fx.packet_size == 512, f"--packet-size 512: qSupported said {fx.packet_size:#x}")
    c = fx.connect()
    check(b"PacketSize=200" in c.request(b"qSupported:" + b"x" * 501), "512-byte qSupported")
    start, _, _ = fx.demo.static_region(4096)
    data = parse_hex_reply(c.request(f"m{start:x},1000"))
    check(data is not None and len(data) == 256 and data == fx.demo.peek(start, 256),
          "m of 4096 bytes with --packet-size 512: expected the first 256 bytes")
    _, got, closed = pump(c.conn, frame(b"qSupported:" + b"x" * 502))
    got += b"" if closed else c.expect_closed()
    check(split_events(got) == [E_TOO_LARGE], f"513 bytes: expected E03, got {got!r}")
    c.close()
    fx.verify(what="after a 513-byte packet (--packet-size 512)")
    stream_until_closed(fx, b"$", b"A", 16 << 20, "an unterminated stream (--packet-size 512)")
    fx.verify(what="after a 16 MiB stream (--packet-size 512)")


@case("oversized")
def largest_packet_size(s):
    """--packet-size 16 MiB (the largest allowed): an unterminated 256 MiB packet is still cut
    after 16 MiB, and memory stays within the baseline (which holds the 16 MiB input buffer)."""
    fx = s.new_fixture(extra=("--packet-size", "0x1000000"))
    check(fx.packet_size == 16 << 20, f"qSupported said PacketSize={fx.packet_size:#x}")
    sent = stream_until_closed(fx, b"$", b"A", 256 << 20, "an unterminated 256 MiB packet "
                                                           "(--packet-size 16 MiB)")
    check(sent >= 16 << 20, f"the stub closed after {sent} bytes, before PacketSize (16 MiB)")
    fx.verify(what="after 256 MiB with --packet-size 16 MiB")


# ----- abrupt disconnects

@case("disconnect")
def mid_packet(s):
    """The client vanishes (FIN or reset) at every point of a packet, escape state included;
    the stub serves the next client."""
    fx = s.fx()
    wire = frame(fx.m_counter)
    cuts = sorted({1, 2, 3, len(wire) // 2, len(wire) - 3, len(wire) - 2, len(wire) - 1})
    prefixes = [wire[:n] for n in cuts] + [b"$m}", b"$" + b"a" * 70000, b"\x03", b"+", b"-"]
    for i, prefix in enumerate(prefixes):
        for reset in (False, True):
            c = fx.connect(no_ack=bool(i % 2))
            c.send(prefix)
            c.close(reset=reset)
    fx.verify(what=f"after {2 * len(prefixes)} disconnects mid-packet")


@case("disconnect")
def mid_reply(s):
    """The client resets the connection while a long train of 256 KiB `m` replies is being
    written (its receive buffer is 4 KiB): the stub drops it, does not spin, serves the next."""
    fx = s.fx()
    start, _, _ = fx.demo.static_region(fx.packet_size // 2)
    n = fx.packet_size // 2
    for kind in ("m", "x"):
        for reset in (True, False):
            c = fx.connect(rcvbuf=4096)
            c.send(frame(f"{kind}{start:x},{n:x}") * 40)
            time.sleep(0.05)
            c.conn.recv(1.0)  # some of the first reply
            c.close(reset=reset)
            fx.wait_idle()
    cpu0 = fx.stub.cpu()
    time.sleep(0.3)
    cpu = fx.stub.cpu() - cpu0
    check(cpu < 0.15, f"the stub used {cpu:.2f} s of CPU in 0.3 s after the clients vanished")
    fx.verify(what="after disconnects mid-reply")


@case("disconnect")
def before_reply(s):
    """50 clients send a request and vanish before the reply: the stub's write fails (EPIPE or
    ECONNRESET; SIGPIPE is ignored) and it goes on."""
    fx = s.fx()
    start, _, _ = fx.demo.static_region(fx.packet_size // 2)
    for i in range(50):
        c = fx.connect(no_ack=bool(i % 2))
        c.send(frame(f"m{start:x},{fx.packet_size // 2:x}") * 3)
        c.close(reset=bool(i % 3))
    fx.verify(what="after 50 clients vanished before their replies")


@case("disconnect")
def half_close(s):
    """The client shuts down its sending side after 40 large requests: every reply still arrives
    whole and correct, then the stub closes."""
    fx = s.fx()
    start, _, _ = fx.demo.static_region(fx.packet_size // 2)
    n = fx.packet_size // 2
    expected = fx.demo.peek(start, n).hex().encode()
    c = fx.connect()
    c.send(frame(f"m{start:x},{n:x}") * 40)
    c.conn.shutdown_write()
    for i in range(40):
        check(c.packet() == expected, f"reply {i} of 40 after a half-close is wrong")
    c.expect_closed(what="the stub to close after the last reply of a half-closed connection")
    c.close()
    fx.verify(what="after a half-close")


# ----- pipelining

def ground_truth_requests(fx, count, step=7):
    start, _, _ = fx.demo.static_region(count * step + count + 8)
    reqs, expected = [], []
    for i in range(count):
        addr, length = start + i * step, 1 + i % 64
        reqs.append(f"m{addr:x},{length:x}")
        expected.append(fx.demo.peek(addr, length).hex().encode())
    return reqs, expected


@case("pipeline")
def hundred_in_one_write(s):
    """100 `m` packets in one write (no-ack mode) are all answered, in order, with the right
    bytes."""
    fx = s.fx()
    c = fx.connect()
    reqs, expected = ground_truth_requests(fx, 100)
    c.send(b"".join(frame(r) for r in reqs))
    for i in range(100):
        reply = c.packet()
        check(reply == expected[i], f"pipelined reply {i}: expected {short(expected[i])}, got "
                                    f"{short(reply)} (out of order or wrong)")
    c.expect_silence(0.1, "after 100 replies")
    fx.verify(c, "after 100 pipelined packets")
    c.close()


@case("pipeline")
def hundred_ack_mode_with_bad_ones(s):
    """100 packets in one write in ack mode, every 7th with a bad checksum: `+` and the reply
    for each good one, `-` for each bad one, in order."""
    fx = s.fx()
    c = fx.connect(no_ack=False)
    reqs, expected = ground_truth_requests(fx, 100)
    c.send(b"".join(bad_frame(r) if i % 7 == 3 else frame(r) for i, r in enumerate(reqs)))
    for i in range(100):
        if i % 7 == 3:
            check(c.event() == ("-",), f"packet {i} (bad checksum): expected '-'")
            continue
        check(c.event() == ("+",), f"packet {i}: expected '+'")
        ev = c.event()
        check(ev == ("$", expected[i]), f"packet {i}: expected {short(expected[i])}, got {ev!r}")
    c.expect_silence(0.1, "after 100 pipelined packets")
    fx.verify(c, "after 100 pipelined packets (ack mode)")
    c.close()


@case("pipeline")
def mixed_pipeline(s):
    """100 packets of mixed kinds with noise, acks and 0x03 between them, one write: each reply
    is the one for its packet."""
    fx = s.fx()
    c = fx.connect()
    a = f"{fx.counter:x}"
    kinds = [(f"m{a},8", u64_reply), ("mzz,4", lambda r: r == E_MALFORMED),
             ("vMustReplyEmpty", lambda r: r == b""), ("qC", lambda r: r.startswith(b"QC")),
             ("?", lambda r: r.startswith(b"T")), (f"m{a},0", lambda r: r == E_INVALID),
             ("qAttached", lambda r: r == b"1"), (f"M{a},1:00", lambda r: r == E_MODE)]
    noise = [b"", b"+", b"\x03", b"junk", b"\0\0", b"##"]
    wire, checks = b"", []
    for i in range(100):
        payload, ok = kinds[i % len(kinds)]
        wire += noise[i % len(noise)] + frame(payload)
        checks.append((payload, ok))
    c.send(wire)
    last = 0
    for i, (payload, ok) in enumerate(checks):
        reply = c.packet()
        check(ok(reply), f"pipelined packet {i} ({payload}): unexpected reply {short(reply)}")
        if payload.startswith("m") and u64_reply(reply):
            value = int.from_bytes(bytes.fromhex(reply.decode()), "little")
            check(value >= last, f"packet {i}: the counter went back from {last} to {value}")
            last = value
    c.expect_silence(0.1, "after the mixed pipeline")
    fx.verify(c, "after a mixed pipeline")
    c.close()


@case("pipeline")
def four_thousand_in_one_write(s):
    """4000 packets (~80 KB, more than one 64 KiB read of the stub) in one write: all answered
    in order, packets split across reads included."""
    fx = s.fx()
    c = fx.connect()
    reqs, expected = ground_truth_requests(fx, 4000, step=1)
    wire = b"".join(frame(r) for r in reqs)
    check(len(wire) > 65536, "the pipeline must be longer than one read of the stub")
    _, got, closed = pump(c.conn, wire, chunk=len(wire))
    check(not closed, "the stub closed the connection during the pipeline")
    c.buf += got
    with fx.sampler():
        for i in range(4000):
            reply = c.packet()
            check(reply == expected[i], f"pipelined reply {i} of 4000: expected "
                                        f"{short(expected[i])}, got {short(reply)}")
    fx.verify(c, "after 4000 pipelined packets")
    c.close()


# ----- floods

def flood(c, wire_one, count, parse_ok, window=4000, batch=500):
    """Sends `count` copies of one packet, keeping at most `window` unanswered, while reading
    replies; parse_ok(reply) checks each. Returns the replies' checks' results."""
    sent = answered = 0
    results = []
    while answered < count:
        if sent < count and sent - answered < window:
            n = min(batch, count - sent)
            c.send(wire_one * n)
            sent += n
        # Take every complete reply already buffered, then read more if none.
        try:
            reply = c.packet(timeout=10)
        except Closed:
            raise Failure(f"the stub closed the connection after {answered} of {count} replies")
        results.append(parse_ok(reply, answered))
        answered += 1
    return results


@case("flood")
def fifty_thousand_reads(s):
    """50000 `m &g_counter,8` packets as fast as the client can send them (no-ack): every one
    answered, in order (the counter never goes back), memory flat."""
    fx = s.fx()
    c = fx.connect()
    last = [0]

    def ok(reply, i):
        check(u64_reply(reply), f"flood reply {i}: {short(reply)}")
        v = int.from_bytes(bytes.fromhex(reply.decode()), "little")
        check(v >= last[0], f"flood reply {i}: the counter went back from {last[0]} to {v}")
        last[0] = v

    t0 = time.monotonic()
    with fx.sampler() as rss:
        flood(c, frame(fx.m_counter), 50000, ok)
    dt = time.monotonic() - t0
    s.log(f"    50000 reads in {dt:.2f} s ({50000 / dt:.0f}/s); VmRSS peak {rss.peak} KiB")
    fx.verify(c, "after a flood of 50000 packets")
    c.close()


@case("flood")
def bad_checksum_flood(s):
    """20000 packets with bad checksums in ack mode: 20000 `-`, nothing else; then 20000 in
    no-ack mode: 20000 E01."""
    fx = s.fx()
    for no_ack in (False, True):
        c = fx.connect(no_ack=no_ack)
        wire = bad_frame(fx.m_counter)
        count, window = 20000, 4000
        sent = got = 0
        with fx.sampler():
            while got < count:
                if sent < count and sent - got < window:
                    c.send(wire * 500)
                    sent += 500
                ev = c.event()
                check(ev == (("$", E_MALFORMED) if no_ack else ("-",)),
                      f"bad checksum {got} (no_ack={no_ack}): got {ev!r}")
                got += 1
        fx.verify(c, "after 20000 bad checksums")
        c.close()


@case("flood")
def nack_flood(s):
    """20000 `-` after one reply (ack mode): 20000 copies of that reply (the stub writes each
    and reads on only when it is sent: no unbounded queue)."""
    fx = s.fx()
    c = fx.connect(no_ack=False)
    first = c.request(fx.m_counter)
    with fx.sampler():
        sent = got = 0
        while got < 20000:
            if sent < 20000 and sent - got < 4000:
                c.send(b"-" * 1000)
                sent += 1000
            ev = c.event()
            check(ev == ("$", first), f"resend {got}: expected {short(first)}, got {ev!r}")
            got += 1
    fx.verify(c, "after 20000 nacks")
    c.close()


@case("flood")
def ack_and_interrupt_flood(s):
    """4 MiB of `+` and 1 MiB of 0x03 (each one an event the stub handles): no reply, memory
    flat, the connection goes on."""
    fx = s.fx()
    c = fx.connect()
    with fx.sampler():
        for byte, size in ((b"+", 4 << 20), (b"\x03", 1 << 20), (b"+-\x03", 3 << 20)):
            _, got, closed = pump(c.conn, byte * size)
            check(not closed and not got, f"{size >> 20} MiB of {byte!r}: expected silence, got "
                                          f"{short(got)}")
    fx.verify(c, "after an ack/interrupt flood")
    c.close()


# ----- slowloris

@case("slowloris")
def byte_every_100ms(s):
    """A valid packet sent one byte every 100 ms (ack mode, then another in no-ack mode) is
    answered correctly; the stub sleeps meanwhile (little CPU); a second debugger is refused
    while the slow one holds the connection."""
    fx = s.fx()
    c = fx.connect(no_ack=False)
    cpu0 = fx.stub.cpu()
    before = fx.demo.peek_u64(fx.counter)
    wire = frame(fx.m_counter)
    t0 = time.monotonic()
    for i, b in enumerate(wire):
        c.send(bytes([b]))
        if i == len(wire) // 2:
            expect_refused(fx.stub.connect())
        time.sleep(0.1)
    check(c.event() == ("+",), "the slow packet's ack")
    reply = c.packet()
    check(u64_reply(reply), f"the slow packet's reply: {short(reply)}")
    value = int.from_bytes(bytes.fromhex(reply.decode()), "little")
    check(before is None or value >= before, f"the slow read gave {value}, older than {before}")
    check(c.request("QStartNoAckMode") == b"OK", "QStartNoAckMode")
    c.ack_mode = False
    for b in b"\0junk" + frame("qC"):
        c.send(bytes([b]))
        time.sleep(0.1)
    check(c.packet().startswith(b"QC"), "the slow qC")
    elapsed = time.monotonic() - t0
    cpu = fx.stub.cpu() - cpu0
    s.log(f"    {len(wire) + 11} bytes over {elapsed:.1f} s; stub CPU {cpu:.3f} s")
    check(cpu < 0.5, f"the stub used {cpu:.2f} s of CPU serving a slow client for {elapsed:.1f} s")
    fx.verify(c, "after a slow client")
    c.close()


# ----- connection churn and the single-debugger rule

@case("churn")
def two_thousand_connects(s):
    """2000 rapid connect/disconnect cycles (plain close, close after part of a packet, reset,
    close right after a full request): the stub serves the next client, holds no stale socket
    or fd, and its memory is flat."""
    fx = s.fx()
    fx.wait_idle()
    fds0 = fx.stub.fds()
    partial = frame(fx.m_counter)[:7]
    full = frame(fx.m_counter)
    t0 = time.monotonic()
    with fx.sampler():
        for i in range(2000):
            sock = socket.create_connection(("127.0.0.1", fx.stub.port), timeout=10)
            kind = i % 4
            try:
                if kind == 1:
                    sock.send(partial)
                elif kind == 3:
                    sock.send(full)
                if kind == 2:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                    b"\x01\x00\x00\x00\x00\x00\x00\x00")
            except OSError:
                pass  # refused and already closed by the stub
            sock.close()
    dt = time.monotonic() - t0
    s.log(f"    2000 cycles in {dt:.2f} s")
    # Served (not refused) means every earlier connection has left the listen backlog.
    fx.verify(what="after 2000 connect/disconnect cycles")
    fx.wait_idle(timeout=10)
    fds = fx.stub.fds()
    check(fds <= fds0, f"the stub holds {fds} fds after 2000 connections, {fds0} before")


@case("churn")
def accept_without_fds(s):
    """No file descriptor left (RLIMIT_NOFILE lowered to what the stub holds): a connecting
    client makes accept() fail with EMFILE. The stub must not spin on it (bounded CPU and log
    lines); once descriptors are available again it serves the next client."""
    fx = s.new_fixture(demo=s.fx().demo)
    fx.wait_idle()
    # The socket count drops when the stub closes a connection's socket, a moment before it
    # destroys the connection. Under UBSan that first destruction checks a vptr it has not seen
    # yet, and the sanitizer probes memory for that through a pipe(): with no descriptor left it
    # fails and reports a false "invalid vptr". A second connection, served and closed, proves
    # the first one gone; its own teardown only meets vptrs the sanitizer has checked before.
    c = fx.connect()
    c.read_u64(fx.counter)
    c.close()
    fx.wait_idle()
    held = fx.stub.fds()
    soft, hard = resource.prlimit(fx.stub.pid, resource.RLIMIT_NOFILE)
    resource.prlimit(fx.stub.pid, resource.RLIMIT_NOFILE, (held, hard))
    try:
        lines0, cpu0 = len(fx.stub.log), fx.stub.cpu()
        sock = socket.create_connection(("127.0.0.1", fx.stub.port), timeout=5)
        time.sleep(0.5)
        cpu, lines = fx.stub.cpu() - cpu0, len(fx.stub.log) - lines0
        sock.close()
        s.log(f"    accept() without fds: {cpu:.2f} s CPU and {lines} log lines in 0.5 s")
        check(cpu < 0.1 and lines < 20,
              f"with no file descriptor left, one pending connection made the stub use {cpu:.2f} "
              f"s of CPU and log {lines} 'accept failed: Too many open files' lines in 0.5 s: it "
              f"must back off, not retry accept() at once (Server::accept_next)")
    finally:
        resource.prlimit(fx.stub.pid, resource.RLIMIT_NOFILE, (soft, hard))
    fx.verify(what="after accept() failed for lack of file descriptors")


@case("single")
def second_connection_refused(s):
    """While one debugger is connected, 20 more connections each get the refusal packet
    (`E.rspstub: another debugger is already connected`) and are closed; a log line says so;
    the first debugger's session goes on (still in no-ack mode)."""
    fx = s.fx()
    first = fx.connect()
    for i in range(20):
        expect_refused(fx.stub.connect())
        if i % 5 == 0:
            check(u64_reply(first.request(fx.m_counter)), "the first debugger's read")
    check(any("refused a second debugger connection" in line for line in fx.stub.log),
          f"no log line about the refused connection in {fx.stub.log[-5:]!r}")
    # 30 at once, while the first is in the middle of a packet.
    first.send(b"$" + fx.m_counter.encode())
    others = [fx.stub.connect() for _ in range(30)]
    for other in others:
        expect_refused(other)
    first.send(b"#%02x" % (sum(fx.m_counter.encode()) & 0xFF))
    check(u64_reply(first.packet()), "the first debugger's packet, finished after the refusals")
    fx.verify(first, "after refused connections")
    first.close()


@case("single")
def next_client_after_drop(s):
    """A client that vanishes without detaching, one that detaches (D) and one that sends k:
    the process runs on (inspection never kills) and the next client is served."""
    fx = s.fx()
    c = fx.connect()
    c.close(reset=True)
    fx.verify(what="after a client vanished")
    c = fx.connect()
    check(c.request("D") == b"OK", "D: expected OK")
    c.expect_closed(what="the stub to close after D")
    c.close()
    fx.verify(what="after a detach")
    c = fx.connect()
    check(c.request("k").startswith(b"X09"), "k: expected X09")
    c.expect_closed(what="the stub to close after k")
    c.close()
    check(fx.demo.running(), "the demo must keep running after k (inspection mode)")
    fx.verify(what="after k")


# ----- --once

@case("once")
def once_exits_after_first_client(s):
    """--once: a second connection is refused (and does not count); when the first debugger
    leaves, the stub exits with status 0 and the process runs on."""
    fx = s.new_fixture(extra=("--once",), demo=s.fx().demo)
    # The fixture's own handshake connection was the first client: the stub must be gone.
    status = fx.stub.wait_exit(5)
    check(status == 0, f"--once: expected exit status 0 after the first client, got {status}")
    fx = s.new_fixture(extra=("--once",), demo=s.fx().demo, handshake=False)
    first = fx.connect()
    fx.verify(first, "with --once, first client")
    expect_refused(fx.stub.connect())
    time.sleep(0.1)
    check(fx.stub.alive(), "--once: the stub must not exit because of a refused connection")
    fx.verify(first, "with --once, after a refused connection")
    first.close()
    status = fx.stub.wait_exit(5)
    check(status == 0, f"--once: expected exit status 0, got {status}")
    check(fx.demo.running(), "--once: the demo must run on")


@case("once")
def once_exits_after_abuse(s):
    """--once: the stub exits (status 0) after its client vanishes mid-packet, after an
    oversized packet, and after D."""
    demo = s.fx().demo
    for what, attack in (("a reset mid-packet", lambda c, fx: c.send(b"$m1234,")),
                         ("an oversized packet", lambda c, fx: pump(
                             c.conn, frame(b"x" * (fx.packet_size + 1)))),
                         ("D", lambda c, fx: c.send(frame("D")))):
        fx = s.new_fixture(extra=("--once",), demo=demo, handshake=False)
        c = fx.connect()
        attack(c, fx)
        time.sleep(0.05)
        c.close(reset=True)
        status = fx.stub.wait_exit(5)
        check(status == 0, f"--once after {what}: expected exit status 0, got {status}")
    check(demo.running(), "the demo must run on")


# ----- dying targets

def wait_for_own_exit(fx, why):
    """Nothing is left to serve: once the debugger has left, the stub exits 0 by itself (waited
    for here, so the group's closing SIGTERM cannot race with that exit)."""
    try:
        status = fx.stub.popen.wait(timeout=5)
    except subprocess.TimeoutExpired:
        status = "still running after 5 s"
    check(status == 0, f"the stub did not exit 0 by itself after {why} and the debugger left "
                       f"(status {status})")


@case("target")
def killed_while_connected(s):
    """The target is killed (SIGKILL, by pid) during a session: reads get E06 (while it is a
    zombie and after it is reaped), every other packet gets a reply, never a hang; the stub
    stays up while the debugger is connected and exits by itself once it leaves."""
    demo = Demo(s.demo_path)
    fx = s.new_fixture(demo=demo)
    fx.own_demo = True
    c = fx.connect()
    fx.verify(c, "before the kill")
    start, _, _ = demo.static_region(4096)
    demo.kill()
    tids = [demo.pid, demo.pid + 1]
    probes = [fx.m_counter, f"x{fx.counter:x},8", f"m{start:x},1000", "g", "p10", "?", "qC",
              "qfThreadInfo", "qsThreadInfo", "qXfer:threads:read::0,fff",
              "qXfer:auxv:read::0,100", "qXfer:exec-file:read::0,100", "qProcessInfo",
              f"qMemoryRegionInfo:{fx.counter:x}", f"Hg{tids[0]:x}", f"T{tids[1]:x}",
              "vCont;c", "c", "s", "qAttached", "qHostInfo", "qXfer:features:read:target.xml:0,10"]
    run_control = ("?", "c", "s", "vCont;c", "g", "p10", "qC", "qfThreadInfo")
    replies = {}
    for phase in ("zombie", "reaped"):
        wrong = []
        for p in probes:
            replies[(phase, p)] = reply = c.request(p, timeout=5)
            if p.startswith(("m", "x")):
                check(reply == E_GONE, f"{p} after the target died ({phase}): expected E06, "
                                       f"got {short(reply)}")
            if p in run_control and reply[:1] not in (b"E", b"W", b"X"):
                wrong.append(f"{p} -> {short(reply, 40)}")
        check(fx.stub.alive(), f"the stub died with its target ({phase})")
        message = (f"{', '.join(wrong)}: after the target died ({phase}), expected E06 (or an "
                   f"exit stop reply), as its memory reads give")
        # In the zombie phase the target is killed but not yet reaped by its parent:
        # /proc/PID/task still lists the thread, which must not pass for a live, stopped one.
        check(not wrong, message)
        demo.reap()
    s.log("    replies after the kill (zombie | reaped): " + "; ".join(
        f"{p}={short(replies[('zombie', p)], 16)} | {short(replies[('reaped', p)], 16)}"
        for p in run_control))
    fx.check_rss("after the target died")
    c.close()
    wait_for_own_exit(fx, "its target died")


@case("target")
def killed_mid_read(s):
    """The target is killed while 100 large reads and a flood of small ones are pipelined:
    each reply is the right data or E06, E06 once it starts, and nothing hangs."""
    demo = Demo(s.demo_path)
    fx = s.new_fixture(demo=demo)
    fx.own_demo = True
    start, _, _ = demo.static_region(fx.packet_size // 2)
    n = fx.packet_size // 2
    expected = demo.peek(start, n).hex().encode()
    c = fx.connect()
    c.send(frame(f"m{start:x},{n:x}") * 100 + frame(fx.m_counter) * 5000)
    first = c.packet()
    check(first == expected, "the first large read, before the kill")
    demo.kill()
    gone = False
    counts = {"data": 1, "E06": 0}
    for i in range(1, 5100):
        reply = c.packet(timeout=10)
        if reply == E_GONE:
            gone = True
            counts["E06"] += 1
            continue
        check(not gone, f"reply {i}: data after E06 ({short(reply)})")
        # A long reply is streamed in pieces: one cut short by the kill ends with the
        # readable prefix (a valid reply; the client asks again for the rest and gets E06).
        check((reply == expected or (reply and len(reply) < len(expected) and len(reply) % 2 == 0
                                     and expected.startswith(reply)))
              if i < 100 else u64_reply(reply),
              f"reply {i}: expected data, a prefix of it, or E06, got {short(reply)}")
        counts["data"] += 1
    check(gone, "no E06 after the target was killed")
    s.log(f"    {counts['data']} replies with data, then {counts['E06']} x E06")
    demo.reap()
    check(fx.stub.alive(), "the stub died with its target")
    check(c.request(fx.m_counter) == E_GONE, "a read after the pipeline")
    fx.check_rss("after the target died mid-read")
    c.close()
    wait_for_own_exit(fx, "the target died mid-read")


# ----- other transports

@case("transports")
def unix_socket(s):
    """unix:PATH (mode 0600): bad checksum, 100 pipelined packets, a refused second connection,
    an oversized packet (E03, closed), 200 connect cycles; the stub serves on."""
    tmp = tempfile.mkdtemp(prefix="rspstub-adv-")
    path = os.path.join(tmp, "stub.sock")
    try:
        fx = s.new_fixture(transport=("unix", path), demo=s.fx().demo)
        mode = stat.S_IMODE(os.stat(path).st_mode)
        check(mode == 0o600, f"unix:PATH socket has mode {mode:o}, expected 600")
        c = fx.connect()
        c.send(bad_frame(fx.m_counter))
        check(c.packet() == E_MALFORMED, "unix: bad checksum in no-ack mode: E01")
        reqs, expected = ground_truth_requests(fx, 100)
        c.send(b"".join(frame(r) for r in reqs))
        for i in range(100):
            check(c.packet() == expected[i], f"unix: pipelined reply {i}")
        expect_refused(fx.stub.connect())
        fx.verify(c, "over unix:PATH")
        _, got, closed = pump(c.conn, frame(b"x" * (fx.packet_size + 1)))
        got += b"" if closed else c.expect_closed()
        check(split_events(got) == [E_TOO_LARGE], f"unix: oversized: expected E03, got {got!r}")
        c.close()
        for i in range(200):
            c = Client(fx.stub.connect())
            if i % 2:
                c.send(b"$m")
            c.close(reset=bool(i % 3))
        fx.verify(what="over unix:PATH after 200 connect cycles")
        fx.close()
        check(not os.path.exists(path), "the socket file must be removed when the stub exits")
    finally:
        if os.path.exists(path):
            os.unlink(path)
        os.rmdir(tmp)


@case("transports")
def stdio(s):
    """stdio (`-`): noise, bad checksums, 100 pipelined packets, then an oversized packet: E03,
    and the stub (which serves one conversation there) exits with status 0."""
    fx = s.new_fixture(transport="stdio", demo=s.fx().demo)
    c = fx.stdio_client
    table = bytes(range(256)).translate(None, b"$#+-}\x03")
    c.send(bytes(table[b % len(table)] for b in random.Random(3).randbytes(16384)))
    c.expect_silence(0.2, "to noise over stdio")
    c.send(bad_frame(fx.m_counter))
    check(c.packet() == E_MALFORMED, "stdio: bad checksum in no-ack mode: E01")
    reqs, expected = ground_truth_requests(fx, 100)
    c.send(b"".join(frame(r) for r in reqs))
    for i in range(100):
        check(c.packet() == expected[i], f"stdio: pipelined reply {i}")
    fx.verify(c, "over stdio")
    _, got, closed = pump(c.conn, frame(b"x" * (fx.packet_size + 1)))
    got += b"" if closed else c.expect_closed(what="the stub to end the stdio conversation")
    check(split_events(got) == [E_TOO_LARGE], f"stdio: oversized: expected E03, got {got!r}")
    status = fx.stub.wait_exit(5)
    check(status == 0, f"stdio: expected exit status 0 after the conversation, got {status}")


# ---------------------------------------------------------------------------------------------
# Running

class Suite:
    def __init__(self, rspstub, demo_path):
        self.rspstub = rspstub
        self.demo_path = demo_path
        self.verbose = os.environ.get("ADV_VERBOSE") == "1"
        # Under AddressSanitizer freed memory sits in quarantine and RSS grows by design: the
        # memory limits are not checked there (the figures are still printed).
        with open(rspstub, "rb") as f:
            self.sanitized = b"__asan_init" in f.read()
        if self.sanitized:
            self.log("rspstub is built with AddressSanitizer: memory limits are not checked")
        self.fixtures = []
        self._shared = None
        self.group = None
        self.max_growth = 0          # KiB, largest VmRSS growth seen after a case
        self.baselines = []          # KiB, post-handshake VmRSS of each stub
        self.flood_hwm_peak = 0      # KiB, largest VmHWM of a stub that ran flood cases
        self.hwm_peak = 0            # KiB, largest VmHWM of any stub
        self.flood_hwm_other = {}    # --packet-size value -> KiB, the same for those stubs

    def log(self, text):
        print(text, flush=True)

    def fx(self):
        if self._shared is None or not self._shared.stub.alive():
            self._shared = self.new_fixture()
        return self._shared

    def new_fixture(self, extra=(), transport="tcp", demo=None, handshake=True):
        if not handshake:
            # Only for --once: a stub whose first client is the case's own.
            fx = Fixture.__new__(Fixture)
            fx.suite, fx.demo, fx.own_demo = self, demo or Demo(self.demo_path), demo is None
            fx.stub = Stub(self.rspstub, fx.demo, extra, transport)
            self.fixtures.append(fx)
            fx.counter, fx.m_counter, fx.stdio = fx.demo.counter, f"m{fx.demo.counter:x},8", False
            fx.base_sockets = fx._sockets()
            fx.packet_size = 0x40000
            fx.baseline_rss = fx.stub.rss()
            fx.base_fds = fx.stub.fds()
        else:
            fx = Fixture(self, extra, transport, demo)
        self.baselines.append(fx.baseline_rss)
        return fx

    def note_rss(self, fx, growth):
        self.max_growth = max(self.max_growth, growth)

    def note_hwm(self, fx):
        hwm = fx.stub.hwm()
        if hwm is None:
            return
        self.hwm_peak = max(self.hwm_peak, hwm)
        if getattr(fx, "flood", False):
            if "--packet-size" in fx.stub.argv:
                size = fx.stub.argv[fx.stub.argv.index("--packet-size") + 1]
                self.flood_hwm_other[size] = max(self.flood_hwm_other.get(size, 0), hwm)
            else:
                self.flood_hwm_peak = max(self.flood_hwm_peak, hwm)

    def teardown_group(self):
        """Stops every stub of the group; returns the problems (unclean exits)."""
        problems = []
        for fx in self.fixtures:
            try:
                problem = fx.close()
            except Exception as e:  # noqa: BLE001
                problem = f"teardown failed: {e}"
            if problem:
                problems.append(f"rspstub pid {fx.stub.pid}: {problem}")
                print(f"    ----- rspstub pid {fx.stub.pid}: {problem}; last log lines:")
                for line in fx.stub.log[-40:]:
                    print(f"    | {line}")
        self.fixtures = []
        self._shared = None
        return problems

    def dump_stub_logs(self):
        for fx in self.fixtures:
            lines = fx.stub.log
            state = "running" if fx.stub.alive() else f"exit status {fx.stub.popen.poll()}"
            print(f"    ----- rspstub pid {fx.stub.pid} ({state}), "
                  f"{' '.join(fx.stub.argv[1:])}; last log lines:")
            for line in lines[-25:]:
                print(f"    | {line}")

    def run(self, selected):
        started = time.monotonic()
        results = []
        for group, cases in selected:
            self.group = group
            for name, fn in cases:
                t0 = time.monotonic()
                full = f"{group}.{name}"
                try:
                    fn(self)
                    for fx in self.fixtures:
                        if group in FLOOD_GROUPS:
                            fx.flood = True
                    results.append((full, True))
                    self.log(f"ok    {full}  ({time.monotonic() - t0:.2f} s)")
                    if self.verbose:
                        self.dump_stub_logs()
                except Exception as e:  # noqa: BLE001 - report and go on with the next case
                    results.append((full, False))
                    self.log(f"FAIL  {full}  ({time.monotonic() - t0:.2f} s): {e}")
                    if not isinstance(e, Failure):
                        traceback.print_exc(file=sys.stdout)
                    self.dump_stub_logs()
                    for fx in self.fixtures:
                        if group in FLOOD_GROUPS:
                            fx.flood = True
                    # A fresh stub for the next case, whatever state this one left.
                    self.teardown_group()
            problems = self.teardown_group()
            if problems:
                # Blame the group's last case: its stub(s) did not exit cleanly.
                name = results[-1][0]
                results[-1] = (name, False)
                self.log(f"FAIL  {name}  (at the end of group {group}): " + "; ".join(problems))
        failed = [n for n, ok in results if not ok]
        mib = lambda kib: f"{kib / 1024:.1f} MiB"  # noqa: E731
        base = f"{mib(min(self.baselines))}-{mib(max(self.baselines))}" if self.baselines else "-"
        flood = (f"peak VmHWM under flood tests {mib(self.flood_hwm_peak)} with the default "
                 f"PacketSize" + "".join(f", {mib(v)} with --packet-size {k}"
                                         for k, v in sorted(self.flood_hwm_other.items()))
                 if self.flood_hwm_peak else "no flood tests run")
        print(f"\nadversarial summary: {len(results)} cases, {len(results) - len(failed)} passed, "
              f"{len(failed)} failed, {time.monotonic() - started:.1f} s"
              f"{' (ASan build: memory not checked)' if self.sanitized else ''}; "
              f"stub baseline VmRSS "
              f"{base}; largest VmRSS growth after a case {self.max_growth:+d} KiB (limit "
              f"+{RSS_LIMIT_KIB} KiB); {flood}; peak VmHWM of any stub {mib(self.hwm_peak)}",
              flush=True)
        for name in failed:
            print(f"  FAILED {name}")
        return 0 if not failed else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rspstub")
    parser.add_argument("demo")
    parser.add_argument("--group", action="append", default=[])
    parser.add_argument("--case", action="append", default=[])
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    if args.list:
        for group, cases in GROUPS.items():
            for name, fn in cases:
                print(f"{group}.{name}: {' '.join(fn.__doc__.split())}")
        return 0
    for path in (args.rspstub, args.demo):
        if not os.access(path, os.X_OK):
            print(f"adversarial: {path} is not an executable file", file=sys.stderr)
            return 2
    selected = []
    for group, cases in GROUPS.items():
        chosen = [(n, f) for n, f in cases
                  if (not args.group and not args.case) or group in args.group
                  or f"{group}.{n}" in args.case]
        if chosen:
            selected.append((group, chosen))
    unknown = [g for g in args.group if g not in GROUPS] + [
        c for c in args.case if not any(c == f"{g}.{n}" for g, cs in GROUPS.items() for n, _ in cs)]
    if unknown or not selected:
        print(f"adversarial: unknown group or case {unknown}; see --list", file=sys.stderr)
        return 2
    return Suite(args.rspstub, args.demo).run(selected)


if __name__ == "__main__":
    sys.exit(main())
