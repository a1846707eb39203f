#!/usr/bin/env python3
"""Writes the seed corpora in tests/fuzz/corpus/ (run again after changing an input format).

Real client packets come from the gdb 13 and lldb 19 debug logs in CAPTURES (default
/work/shared/captures; the packets are taken from "Sending packet:" / "send packet:" lines, and
their checksums recomputed). The rest are hand-written cases: reads of the fake process's
layout in fuzz_session.cpp, escapes, bad checksums, overlong numbers, oversized packets.

usage: make_seeds.py [CAPTURES]
"""
import os
import re
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CAPTURES = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/captures"


def cs(body: bytes) -> bytes:
    return b"%02x" % (sum(body) & 0xFF)


def frame(body) -> bytes:
    if isinstance(body, str):
        body = body.encode("latin-1")
    return b"$" + body + b"#" + cs(body)


def escape(data: bytes) -> bytes:
    out = bytearray()
    for b in data:
        if b in b"#$}*":
            out += bytes([0x7D, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)


def client_packets(name, limit):
    """The first `limit` packet bodies a client sent, in order, from one capture."""
    path = os.path.join(CAPTURES, name)
    pat = re.compile(r"(?:Sending packet|send packet): \$(.*)#[0-9a-f]{2}\s*$")
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            if "bytes omitted" in line:
                continue
            m = pat.search(line)
            if m:
                out.append(m.group(1).encode("latin-1"))
                if len(out) == limit:
                    break
    return out


def conversation(bodies, acks=True):
    """A client's byte stream: each packet, then the `+` acking the stub's reply, until
    QStartNoAckMode has been answered."""
    out = bytearray()
    for b in bodies:
        out += frame(b)
        if acks:
            out += b"+"
        if b == b"QStartNoAckMode":
            acks = False
    return bytes(out)


def write(target, name, data: bytes):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- fuzz_session: 4-byte header (see fuzz_session.cpp), then the client's bytes -------------
PS = {0x40000: 0, 512: 1, 513: 2, 0x1000: 3, 0x4000: 4, 1000: 5, 0x10000: 6, 0x201: 7}


def session_header(packet_size=0x1000, trace=False, writable=False, read_only=False,
                   kill_after=0, no_threads=False, max_chunk=0, seed=0, controlled=False):
    assert kill_after < 32
    b0 = PS[packet_size] | (8 if trace else 0) | (0x10 if controlled else 0)
    b1 = (1 if writable else 0) | (2 if read_only else 0) | (kill_after << 2) | (
        0x80 if no_threads else 0)
    return bytes([b0, b1, max_chunk, seed])


def session(name, stream: bytes, **hdr):
    write("fuzz_session", name, session_header(**hdr) + stream)


NOACK = b"+" + frame("QStartNoAckMode") + b"+"

gdb_open = client_packets("gdb13_target_remote_debug.txt", 40)
gdb_attach = client_packets("gdb13_extended_remote_attach_debug.txt", 40)
lldb_open = client_packets("lldb19_gdbremote_packets.txt", 45)
lldb_run = client_packets("lldb19_run_to_exit_packets.txt", 60)[20:60]
gdb_partial = client_packets("gdbserver13_partial_reads_debug.txt", 200)
gdb_reads = [b for b in gdb_partial if b[:1] in (b"m", b"x")][:20]

session("gdb13_opening", conversation(gdb_open))
session("gdb13_opening_chunked", conversation(gdb_open), max_chunk=7, seed=1)
session("gdb13_attach_opening", conversation(gdb_attach), packet_size=0x4000)
session("lldb19_opening", b"+" + conversation(lldb_open, acks=False).replace(
    frame("QStartNoAckMode"), frame("QStartNoAckMode") + b"+", 1))
session("lldb19_later", NOACK + conversation(lldb_run, acks=False), max_chunk=33, seed=9)
session("gdb13_partial_reads", NOACK + conversation(gdb_reads, acks=False), packet_size=512)

reads = ["m400000,40", "m400ff0,20", "m601ff0,20", "m602000,10", "m603000,10", "m604ffc,8",
         "m7ffffffffff0,20", "m7ffffffffffffff0,20", "m8000000000000000,1",
         "mfffffffffffff000,fff", "mffffffffffffffff,1", "mffffffffffffffff,2", "m400000,0",
         "m400000,100000", "x400000,40", "x400020,200", "x602000,10", "x0,0", "m0,1"]
session("memory_reads", NOACK + b"".join(frame(r) for r in reads))
session("memory_reads_acked", b"".join(frame(r) + b"+" for r in reads), packet_size=512)
session("lldb_x_dialect", NOACK + b"".join(frame(p) for p in (
    "qHostInfo", "x0,0", "x400000,80", "x600000,10", "x603000,4", "x400000,0")))
session("x_all_escaped", NOACK + b"".join(frame(p) for p in (
    "x700000,200", "x700001,201", "m700000,200", "qMemoryRegionInfo:700000")), packet_size=512)
session("x_all_escaped_big", NOACK + frame("x700000,5000") + frame("m700000,5000"),
        packet_size=0x4000)
session("gdb_x_dialect", NOACK + b"".join(frame(p) for p in (
    "qSupported:binary-upload+;multiprocess+", "x400000,0", "x400000,200", "xffffffffffffffff,1")))

xfers = ["qXfer:features:read:target.xml:0,1000", "qXfer:features:read:target.xml:1000,1000",
         "qXfer:features:read:target.xml:ffff,10", "qXfer:features:read:other.xml:0,10",
         "qXfer:auxv:read::0,1000", "qXfer:auxv:read::8,8", "qXfer:auxv:read::40,8",
         "qXfer:exec-file:read::0,1000", "qXfer:exec-file:read:1092:0,1000",
         "qXfer:exec-file:read:99:0,10", "qXfer:threads:read::0,1000",
         "qXfer:threads:read::10,1f", "qXfer:libraries-svr4:read::0,fff",
         "qXfer:siginfo:write::0:00", "qXfer:features:read:target.xml:0,ffffffffffffffff"]
session("qxfer", NOACK + b"".join(frame(x) for x in xfers), packet_size=512)
session("qxfer_multiprocess", NOACK + frame("qSupported:multiprocess+") +
        frame("qXfer:threads:read::0,fff"), packet_size=0x4000)

session("threads_and_registers", NOACK + b"".join(frame(p) for p in (
    "QThreadSuffixSupported", "QListThreadsInStopReply", "?", "qC", "qfThreadInfo",
    "qsThreadInfo", "qsThreadInfo", "Hg7fffffff", "g", "p10", "p0;thread:7fffffff;",
    "p10;thread:1093;", "p3b", "p3c", "g;thread:1093;", "Hgp1092.1092", "Hg0", "Hc-1", "T1093",
    "T1094", "Tp1092.1092", "Hg5", "vCont?", "vCont;c", "c", "s", "C05", "qAttached:1092",
    "qSymbol::", "qProcessInfo", "qMemoryRegionInfo:400000", "qMemoryRegionInfo:602000",
    "qMemoryRegionInfo:fffffffffffffff0", "qMemoryRegionInfo:0", "Z0,400123,1", "z0,400123,1",
    "vKill;1092", "G00", "P10=0000000000000000")))
session("errors_styles", NOACK + b"".join(frame(p) for p in (
    "qSupported:error-message+", "m603000,4", "Hg5", "QEnableErrorStrings", "m602000,4",
    "qXfer:exec-file:read:zz:0,10")))

writes = [b"M600000,4:deadbeef", b"M400000,1:cc", b"M603000,1:00", b"M601fff,2:0102",
          b"X600010,0:", b"X600010,4:" + escape(b"#$}*"), b"M600000,2:zz",
          b"M600000,2:000000", b"Mffffffffffffffff,2:0000", b"X600000,3:ab",
          b"Z0,400123,1", b"G" + b"00" * 16, b"P10=23000000"]
session("writes", NOACK + b"".join(frame(w) for w in writes), writable=True)
session("writes_read_only", NOACK + b"".join(frame(w) for w in writes), writable=True,
        read_only=True)
session("writes_no_stop", NOACK + b"".join(frame(w) for w in writes))

session("bad_checksums", frame("qSupported")[:-2] + b"00" + b"+" + frame("m400000,4")[:-2] +
        b"zz" + frame("m400000,4") + b"+-" + NOACK + frame("m400000,4")[:-2] + b"00" +
        frame("?"))
session("oversized_numbers", NOACK + b"".join(frame(p) for p in (
    "m10000000000000000,4", "m400000,10000000000000000", "m400000,ffffffffffffffff",
    "qMemoryRegionInfo:10000000000000000", "p10000000000000000", "pffffffffffffffff",
    "Hgp1092.ffffffffffffffff", "Hgp8000000000000000.1", "T8000000000000000", "T-1", "Hg-2",
    "Z5,400000,1", "Z0,400000", "qXfer:auxv:read::10000000000000000,1")))
session("overflow_512", NOACK + frame("m" + "0" * 600), packet_size=512)
session("unterminated", frame("?") + b"+$" + b"m400000,4" * 100, packet_size=512,
        max_chunk=64, seed=3)
session("restart_and_noise", b"garbage\r\n+$m4000$?#3f+\x03$qC#b4+-+\x00\xff" + frame("qC"))
session("interrupts", NOACK + b"\x03" + frame("vCont;c") + b"\x03\x03" + frame("?"))
session("nack_resend", frame("?") + b"-" + b"-" + b"+" + frame("qC") + b"+")
session("detach", NOACK + frame("?") + frame("D") + frame("?"))
session("kill_packet", frame("k") + frame("?"))
session("process_dies", NOACK + b"".join(frame(p) for p in (
    "?", "m400000,4", "qfThreadInfo", "g", "qXfer:auxv:read::0,10", "qXfer:threads:read::0,100",
    "qXfer:exec-file:read::0,10", "qProcessInfo", "qMemoryRegionInfo:0", "qC", "Hg1093")),
        kill_after=2)
session("no_threads", NOACK + b"".join(frame(p) for p in (
    "?", "qC", "qfThreadInfo", "qsThreadInfo", "g", "p10", "Hg1092", "T1092", "qThreadStopInfo0",
    "vCont;c", "qXfer:threads:read::0,100", "QListThreadsInStopReply", "?")), no_threads=True)
session("lldb_stop_info", NOACK + b"".join(frame(p) for p in (
    "QThreadSuffixSupported", "QListThreadsInStopReply", "qThreadStopInfo1092",
    "qThreadStopInfo7fffffff", "qThreadStopInfo1093", "qThreadStopInfo5", "qThreadStopInfo-1",
    "qThreadStopInfop1092.1093", "qThreadStopInfop5.1092", "qThreadStopInfo", "?", "g")))
session("packet_trace", frame("qSupported") + b"+" + frame("x400000,20") + b"+-",
        trace=True)

# ---- fuzz_framing: byte 0 max_payload (0..127, 0xff = 0x40000), byte 1 chunk seed, stream ---
def framing(name, stream: bytes, max_payload=0x7F, chunk=0):
    write("fuzz_framing", name, bytes([max_payload, chunk]) + stream)


framing("gdb13_opening", conversation(gdb_open[:12]), max_payload=0xFF)
framing("gdb13_opening_bytewise", conversation(gdb_open[:6]), chunk=1)
framing("lldb19_opening", b"+" + conversation(lldb_open[:12], acks=False), chunk=13)
framing("escapes", frame(b"X600000,4:" + escape(b"#$}*")) + frame(b"}]}\x03}\x04}\x0a") +
        b"$}#00", chunk=3)
framing("bad_checksums", frame("?")[:-2] + b"00" + frame("?")[:-1] + b"G" + b"$?#zz" + frame("?"))
framing("restart_noise_interrupts", b"noise$m40$?#3f\x03+-\x03" + frame("qC"), chunk=5)
framing("overflow_small", frame("m400000,4" * 8) + frame("?"), max_payload=16, chunk=9)
framing("overflow_escaped", frame(b"}]" * 20) + frame("?"), max_payload=8)
framing("max_payload_zero", frame("") + frame("?") + b"+", max_payload=0)

# ---- fuzz_requests: the input is a packet's arguments --------------------------------------
requests = {
    "range": "1000,4", "range_max": "ffffffffffffffff,1", "range_wrap": "ffffffffffffffff,2",
    "range_17_digits": "10000000000000000,1", "range_upper": "DEADBEEF,10",
    "write_hex": "600000,4:deadbeef", "write_bin": "600000,4:" + escape(b"#$}*").decode(),
    "write_short": "600000,4:dead", "thread_mp": "p1092.1093", "thread_all": "p1092.-1",
    "thread_minus1": "-1", "thread_p": "p1092", "thread_big": "p8000000000000000.1",
    "set_thread": "gp0.0", "set_thread_c": "c-1", "reg_suffix": "10;thread:p1092.1093;",
    "reg_suffix_bad": "10;thread:zz;", "xfer_features": "features:read:target.xml:0,1000",
    "xfer_auxv": "auxv:read::0,1000", "xfer_annex_colons": "exec-file:read:a:b:c:10,20",
    "xfer_write": "siginfo:write::0:00", "breakpoint": "0,400123,1",
    "breakpoint_cond": "1,400123,1;X2,2020", "breakpoint_type5": "5,1,1",
    "features_gdb": "multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;"
                    "exec-events+;vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;"
                    "xmlRegisters=i386",
    "features_lldb": "xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;vfork-events+",
    "features_gdb15": "error-message+;binary-upload+",
    "hex_field": "7ffffffff000", "hex_bytes": "00ff7f80",
}
for name, args in requests.items():
    write("fuzz_requests", name, args.encode("latin-1"))
for i, b in enumerate(gdb_open[:40] + lldb_open[:20]):
    # Real packets with their one-letter name dropped (and whole, for the multi-letter ones).
    write("fuzz_requests", "capture_%02d" % i, b[1:])

# ---- fuzz_reply: a program of ops (see fuzz_reply.cpp) -------------------------------------
def reply(name, ops: bytes):
    write("fuzz_reply", name, ops)


reply("puts", bytes([0, 1, 1, ord("#"), 2, 5]) + b"a$*}b" + bytes([3, 4]) + b"\x00#}\xff" +
      bytes([9]))
reply("hex_and_numbers", bytes([0, 0, 4, 3]) + b"\x00\x7f\xff" + bytes([5, 2]) + b"OK" +
      bytes([6, 8]) + b"\xff" * 8 + bytes([6, 0, 9, 1]))
reply("errors", bytes([7, 4, 0, 7, 4, 1, 7, 4, 2, 7, 12, 2, 9]))
# stage n=0x200 hex with prefix, then binary "b" prefix, short, nothing, overlong `used`.
reply("staged", bytes([8, 0x20, 0x00, 0x00, 4]) + b"\x00\x23\x24\x7d" +
      bytes([8, 0x20, 0x00, 0x05, 16]) + b"#$}*" + bytes([8, 0x01, 0x00, 0x0D, 0]) +
      bytes([8, 0x00, 0x80, 0x11, 0x00, 0x09, 3]) + b"abc" + bytes([9, 0, 1, 8, 0xFF, 0xF0, 0x04, 1, 0x2A]))
reply("reuse", bytes([1, 65, 9, 1, 66, 10, 2, 3]) + b"xyz" + bytes([11]))

# ---- fuzz_session with a controlled process (FakeDebuggee): run control, breakpoints, register
# writes, and the hostile forms the adversarial suite sends (tests/adversarial/test_control_*).
GDB_CTL = NOACK + frame("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+")
control = ["?", "vCont?", "Hgp1092.1092", "g", "p10", "Z0,400150,1", "vCont;c:p1092.-1",
           "z0,400150,1", "vCont;s:p1092.1092", "s", "c", "C05", "S0b", "vCont;C00",
           "Z2,600100,8", "vCont;c", "z2,600100,8", "Z1,400150,1", "z1,400150,1",
           "P10=2301400000000000", "G" + "00" * 16, "QPassSignals:0e;1e", "QProgramSignals:",
           "vCtrlC", "qThreadStopInfo1092", "jThreadsInfo", "vKill;1092", "k"]
session("control_gdb", GDB_CTL + b"".join(frame(p) for p in control), controlled=True)
session("control_gdb_chunked", GDB_CTL + b"".join(frame(p) for p in control), controlled=True,
        max_chunk=5, seed=3)
hostile = ["vCont;c:p1092.7fffffff", "vCont;s:99999999", "vCont;c:p1.-1", "vCont;x", "vCont;",
           "vCont;C", "vCont;Czz", "vCont;t", "vCont;C100", "C100", "Cfff", "S100",
           "vCont" + ";c:p1092.1092" * 300, "vCont" + ";t" * 300, "vCont" + ";c" * 4097,
           "Z0,0,1", "Z0,ffffffffffffffff,1", "Z0,400150,zz", "Z0,400150,",
           "Z0,400150,1" + "0" * 17, "Zx,400150,1", "Z9,400150,1", "Z2,600100,3",
           "Z2,600100,100000000", "z0,400151,1", "Pffffffff=00", "P" + "1" * 17 + "=00",
           "P10=00", "P10=zz00000000000000", "G00", "G0", "Gzz", "G" + "00" * 2000, "D;1093",
           "vKill;1093", "?"]
session("control_hostile", GDB_CTL + b"".join(frame(p) for p in hostile), controlled=True,
        packet_size=0x40000)
session("control_read_only", GDB_CTL + b"".join(frame(p) for p in (
    "M600000,1:aa", "X600000,1:a", "G" + "00" * 8, "P10=0000000000000000", "Z0,400150,1",
    "z0,400150,1", "vFile:pwrite:3,0,41", "vFile:unlink:2f746d702f78",
    "vFile:open:2f746d702f78,241,1a4", "m400150,8", "vCont;c", "?")),
        controlled=True, read_only=True)
session("control_dies", GDB_CTL + b"".join(frame(p) for p in (
    "Z0,400150,1", "vCont;c", "m600000,8", "vCont;s:p1092.1092", "g", "?", "vCont;c", "k")),
        controlled=True, kill_after=3)
session("control_lldb", b"+" + frame("QStartNoAckMode") + b"+" + b"".join(frame(p) for p in (
    "QThreadSuffixSupported", "qHostInfo", "vCont?", "qfThreadInfo", "qThreadStopInfo1092",
    "jThreadsInfo", "p10;thread:1092;", "P10=2301400000000000;thread:1092;", "Z0,400150,1",
    "vCont;c", "qWatchpointSupportInfo:", "Z2,600100,8", "vCont;s:1092", "z2,600100,8", "k")),
        controlled=True)

print("seed corpus written under", os.path.join(HERE, "corpus"))
