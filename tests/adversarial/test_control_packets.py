#!/usr/bin/env python3
"""Adversarial control packets against a controlled target (rspstub launching adv_target, or
attached to it): `--read-only` refusals, and hostile vCont, Z/z, P, G, C packets.

Usage: test_control_packets.py RSPSTUB ADV_TARGET [--case NAME]... [--list]

Every case asserts the exact documented reply (README "Errors"), that nothing changed in the
target that should not have (its code and registers, read from /proc and before/after), that
the target stays stopped after a refused resume, and ends with a valid read of g_calls checked
against /proc/PID/mem and the stub's VmRSS within 4 MiB of its baseline.
"""

import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from advlib import check, frame, short  # noqa: E402
from ctllib import (ControlCase, INT3, STOP_REPLY, peek, status_field,  # noqa: E402
                    thread_ids)
from ctlsuite import case, main  # noqa: E402

E_MALFORMED, E_NO_MEMORY, E_NO_THREAD, E_NOT_FOUND = b"E01", b"E04", b"E08", b"E09"
E_INVALID, E_READ_ONLY, E_TOO_LARGE = b"E0b", b"E0c", b"E03"
MAX_SOFTWARE_BREAKPOINTS = 4096  # platform/debuggee.hpp kMaxSoftwareBreakpoints


def expect(c, packet, expected, what=""):
    reply = c.request(packet)
    ok = reply in expected if isinstance(expected, (tuple, list, set)) else reply == expected
    check(ok, f"{what or short(packet, 60)}: expected {expected!r}, got {short(reply)}")
    return reply


def still_stopped(cc, what):
    state = status_field(cc.pid, "State") or ""
    check(state.startswith("t"), f"{what}: the target should still be stopped (state {state})")


def hexs(data):
    return data.hex()


@case
def read_only_refuses_writes(s):
    """--read-only, launched and attached: M, X, G, P, Z0-Z4, z0, vFile:pwrite, vFile:unlink and
    a vFile:open for writing each get E0c; the code at hot(), the registers (g) and the file
    system are unchanged; m, x, g, p, qXfer and a vFile read still work, and so do resume and
    interrupt."""
    for mode in ("launch", "attach"):
        cc = ControlCase(s, mode, extra=("--read-only",))
        c, hot = cc.c, cc.target.hot
        code = peek(cc.pid, hot, 16)
        regs = c.request("g")
        check(re.fullmatch(rb"[0-9a-f]+", regs) is not None, f"g: {short(regs)}")
        victim = os.path.join(os.path.dirname(os.path.abspath(__file__)), "ctllib.py")
        path = hexs(victim.encode())
        for packet in (f"M{hot:x},1:cc", f"M{hot:x},2:9090",
                       f"X{hot:x},1:" + "\x90", "G" + regs.decode(),
                       "G" + "00" * 8, f"P10={0:016x}", "P0=0000000000000000",
                       f"Z0,{hot:x},1", f"Z1,{hot:x},1", f"Z2,{cc.target.calls:x},8",
                       f"Z3,{cc.target.calls:x},8", f"Z4,{cc.target.calls:x},8", f"z0,{hot:x},1",
                       "vFile:pwrite:3,0,41", f"vFile:unlink:{path}",
                       f"vFile:open:{path},1,1a4", f"vFile:open:{path},241,1a4"):
            expect(c, packet, E_READ_ONLY, f"{mode} --read-only: {short(packet, 40)}")
        check(peek(cc.pid, hot, 16) == code, f"{mode}: the code at hot() changed")
        check(c.request("g") == regs, f"{mode}: the registers changed")
        check(os.path.exists(victim), f"{mode}: vFile:unlink removed {victim}")
        check(c.request(f"m{hot:x},10") == code.hex().encode(), f"{mode}: m of hot()")
        check(c.request(f"x{hot:x},10") == b"b" + code, f"{mode}: x of hot()")
        check(c.request("p10") == regs[16 * 16:16 * 16 + 16], f"{mode}: p10 (rip) = g's rip")
        check(c.request("qXfer:features:read:target.xml:0,100").startswith(b"m"),
              f"{mode}: qXfer features")
        handle = c.request(f"vFile:open:{path},0,0")
        check(re.fullmatch(rb"F[0-9a-f]+", handle) is not None, f"{mode}: vFile:open read: {handle!r}")
        got = c.request(f"vFile:pread:{handle[1:].decode()},10,0")
        check(got.startswith(b"F10;"), f"{mode}: vFile:pread: {short(got)}")
        expect(c, f"vFile:close:{handle[1:].decode()}", b"F0")
        c.send(frame("vCont;c"))
        c.expect_silence(0.1, "while the read-only target runs")
        cc.interrupt()
        cc.verify(what=f"{mode} --read-only")


@case
def hostile_vcont(s):
    """vCont naming a thread that does not exist (E08, also another pid's), malformed vCont
    (E01), only-t vCont (E0b), C with a signal above 255 and vCont;C100 (E01/E0b: refused), the
    target stays stopped after each; vCont;C00 (a plain continue) runs; 1000 actions (all
    naming the main thread) run it; 1000 actions naming distinct absent threads get E08; more
    than 4096 actions E03 (the parsed list is bounded)."""
    cc = ControlCase(s, "launch")
    c, pid = cc.c, cc.pid
    absent = max(thread_ids(pid)) + 100000
    for packet, expected in ((f"vCont;c:p{pid:x}.{absent:x}", E_NO_THREAD),
                             (f"vCont;s:{absent:x}", E_NO_THREAD),
                             (f"vCont;c:p{pid + 1:x}.-1", E_NO_THREAD),
                             (f"vCont;s:p{pid:x}.{absent:x};c", E_NO_THREAD),
                             ("vCont;x", E_MALFORMED), ("vCont;", E_MALFORMED),
                             ("vCont;c:", E_MALFORMED), ("vCont;C", E_MALFORMED),
                             ("vCont;Czz", E_MALFORMED), (f"vCont;t:p{pid:x}.{pid:x}", E_INVALID),
                             ("vCont;C100", (E_MALFORMED, E_INVALID)),
                             ("C100", (E_MALFORMED, E_INVALID)),
                             ("Cfff", (E_MALFORMED, E_INVALID)),
                             ("S100", (E_MALFORMED, E_INVALID)),
                             ("vCont;c" + "1" * 40, E_MALFORMED),
                             ("vCont;c:p" + "f" * 17 + ".1", E_MALFORMED),
                             ("".join([f"vCont"] + [f";c:p{pid:x}.{absent + i:x}"
                                                    for i in range(1000)]), E_NO_THREAD),
                             ("vCont" + ";t" * 1000, E_INVALID),
                             ("vCont" + ";c" * 5000, E_TOO_LARGE)):
            expect(c, packet, expected, short(packet, 50))
            still_stopped(cc, f"after {short(packet, 40)}")
    cc.verify(what="after the refused resumes")
    for packet in ("vCont;C00", "vCont" + f";c:p{pid:x}.{pid:x}" * 1000,
                   "vCont" + f";c:{pid:x}" * 500 + ";c" * 500):
        c.send(frame(packet))
        c.expect_silence(0.1, f"while {short(packet, 30)} runs the target")
        check(cc.target.calls_now() is not None, "the target is alive")
        cc.interrupt()
    cc.verify(what="after the resumes with many actions")


@case
def hostile_breakpoints(s):
    """Z0 at address 0, at an unmapped address and at the top of the address space: E04; junk
    lengths and types: E01; Z5 and up: E01 or unsupported (empty); z0 of something never
    inserted: OK; 10,000 Z0 at distinct addresses (pipelined): the first 4096 OK, the rest E0b
    (the table is bounded), reads show the original bytes, /proc the int3s; then z0 of each
    restores every byte; RSS flat."""
    cc = ControlCase(s, "launch")
    c, pid, hot = cc.c, cc.pid, cc.target.hot
    for packet, expected in (("Z0,0,1", E_NO_MEMORY), ("Z0,10,1", E_NO_MEMORY),
                             ("Z0,ffffffffffffffff,1", E_NO_MEMORY),
                             ("Z0,7ffffffffffff000,1", E_NO_MEMORY),
                             (f"Z0,{hot:x},zz", E_MALFORMED), (f"Z0,{hot:x},", E_MALFORMED),
                             (f"Z0,{hot:x}", E_MALFORMED), (f"Z0,{hot:x},1,", E_MALFORMED),
                             (f"Z0,{hot:x},1" + "0" * 17, E_MALFORMED),
                             (f"Z0,{hot:x},-1", E_MALFORMED), (f"Zx,{hot:x},1", E_MALFORMED),
                             (f"Z,{hot:x},1", E_MALFORMED), ("Z0,,1", E_MALFORMED),
                             (f"Z9,{hot:x},1", (E_MALFORMED, b"")),
                             (f"Z2,{cc.target.calls:x},3", E_INVALID),
                             (f"Z2,{cc.target.calls:x},100000000", E_INVALID),
                             (f"z0,{hot + 1:x},1", b"OK"), (f"z2,{cc.target.calls:x},8", b"OK"),
                             (f"z0,0,1", b"OK")):
        expect(c, packet, expected, short(packet, 50))
    check(peek(pid, hot, 1) != bytes([INT3]), "a refused Z0 left an int3 at hot()")
    # Distinct addresses in the largest executable mapping (libc's code).
    start, end = max(((a, b) for a, b, perms in maps(pid) if perms[2] == "x"),
                     key=lambda r: r[1] - r[0])
    count = 10000
    check(end - start >= count * 3, f"no code mapping large enough ({end - start} bytes)")
    addrs = [start + 3 * i for i in range(count)]
    span = addrs[-1] + 1 - start
    before = peek(pid, start, span)
    with_rss = cc.stub.rss()
    c.send(b"".join(frame(f"Z0,{a:x},1") for a in addrs))
    replies = [c.packet() for _ in addrs]
    ok = sum(1 for r in replies if r == b"OK")
    check(replies[:MAX_SOFTWARE_BREAKPOINTS] == [b"OK"] * MAX_SOFTWARE_BREAKPOINTS,
          f"the first {MAX_SOFTWARE_BREAKPOINTS} Z0: {[r for r in replies if r != b'OK'][:3]}")
    check(replies[MAX_SOFTWARE_BREAKPOINTS:] == [E_INVALID] * (count - MAX_SOFTWARE_BREAKPOINTS),
          f"Z0 beyond {MAX_SOFTWARE_BREAKPOINTS}: expected E0b, got "
          f"{sorted(set(replies[MAX_SOFTWARE_BREAKPOINTS:]))}")
    s.log(f"    {ok} of {count} Z0 accepted; VmRSS {with_rss} -> {cc.stub.rss()} KiB")
    raw = peek(pid, start, span)
    for a in addrs[:MAX_SOFTWARE_BREAKPOINTS]:
        check(raw[a - start] == INT3, f"no int3 at {a:x} after its Z0")
    check(all(raw[a - start] == before[a - start] for a in addrs[MAX_SOFTWARE_BREAKPOINTS:]),
          "an int3 where the Z0 was refused")
    shown = b"".join(bytes.fromhex(c.request(f"m{a:x},{min(0x1000, start + span - a):x}").decode())
                     for a in range(start, start + span, 0x1000))
    check(shown == before, "m over the breakpoints should show the original bytes")
    c.send(b"".join(frame(f"z0,{a:x},1") for a in addrs))
    replies = [c.packet() for _ in addrs]
    check(all(r == b"OK" for r in replies), f"z0: {sorted(set(replies))}")
    check(peek(pid, start, span) == before, "after z0 of every address the code is not restored")
    cc.verify(what="after 10,000 Z0 and z0")


def maps(pid):
    out = []
    with open(f"/proc/{pid}/maps") as f:
        for line in f:
            fields = line.split()
            a, b = (int(x, 16) for x in fields[0].split("-"))
            out.append((a, b, fields[1]))
    return out


@case
def hostile_register_writes(s):
    """P with a huge register number (E09; 17 digits E01), a value of the wrong size or junk
    (E01); G with 1 byte, an odd length, junk, and more than the whole image (E01): the
    registers are unchanged after each; a G of the image read with g is OK and changes
    nothing; a P of rip moves the PC and a P back restores it."""
    cc = ControlCase(s, "attach")
    c = cc.c
    regs = c.request("g")
    for packet, expected in (("Pffffffff=00", E_NOT_FOUND), ("P1000=0000000000000000", E_NOT_FOUND),
                             ("P" + "f" * 16 + "=00", E_NOT_FOUND), ("P" + "1" * 17 + "=00", E_MALFORMED),
                             ("P10=00", E_MALFORMED), ("P10=" + "00" * 9, E_MALFORMED),
                             ("P10=zz" + "00" * 7, E_MALFORMED), ("P10", E_MALFORMED), ("P=00", E_MALFORMED),
                             ("G00", E_MALFORMED), ("G0", E_MALFORMED), ("Gzz", E_MALFORMED),
                             ("G" + regs.decode() + "00", E_MALFORMED), ("G", E_MALFORMED),
                             ("G" + regs.decode() * 2, E_MALFORMED)):
        expect(c, packet, expected, short(packet, 50))
        check(c.request("g") == regs, f"registers changed after {short(packet, 40)}")
    expect(c, "G" + regs.decode(), b"OK")
    check(c.request("g") == regs, "G of the image read changed the registers")
    rip = c.request("p10")
    expect(c, f"P10={cc.target.hot.to_bytes(8, 'little').hex()}", b"OK")
    check(c.request("p10") == cc.target.hot.to_bytes(8, "little").hex().encode(), "P10 moved rip")
    expect(c, f"P10={rip.decode()}", b"OK")
    check(c.request("g") == regs, "P back did not restore the registers")
    cc.verify(what="after the hostile register writes")


if __name__ == "__main__":
    sys.exit(main("control_packets", __doc__))
