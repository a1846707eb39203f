#!/usr/bin/env python3
"""Raw packets against the real rspstub serving the running demo (no gdb, no lldb).

Usage: test_packets.py RSPSTUB DEMO

Checks: the handshake (qSupported features, QStartNoAckMode, `?`, qAttached); `m` of &g_counter
twice, seeing it change; `x` (binary-upload dialect, `b` prefix) decoding to the same bytes as `m`,
also for bytes that need escaping; unmapped `m8,4` -> E04; an `m` straddling the end of a mapping
-> the readable prefix; an oversized `m` served short within PacketSize; addresses that must be
errors, not crashes; malformed `mzz,4` -> E01 with the connection still answering (and still in
no-ack mode). The addresses come from what the demo prints.
"""

import re
import time

import harness
from harness import RspClient, check, is_error_reply, unescape_binary

E_MALFORMED = "E01"
E_NO_MEMORY = "E04"
MESSAGE = b"hello from the rspstub demo"


def read_x(client, address, length):
    """`x` request (gdb's dialect): the bytes, or the error reply as a str."""
    reply = client.request(f"x{address:x},{length:x}")
    if is_error_reply(reply):
        return reply.decode(errors="replace")
    check(reply[:1] == b"b", f"x{address:x},{length:x}: expected a 'b'-prefixed binary reply "
                             f"(binary-upload dialect), got {reply[:40]!r}")
    return unescape_binary(reply[1:])


def u64(data, what):
    check(isinstance(data, bytes) and len(data) == 8, f"{what}: expected 8 bytes, got {data!r}")
    return int.from_bytes(data, "little")


def straddle_target(demo):
    """A readable mapping followed by unmapped space: (end of mapping, its name)."""
    maps = demo.maps()
    candidates = []
    for i, (start, end, perms, name) in enumerate(maps):
        next_start = maps[i + 1][0] if i + 1 < len(maps) else None
        if perms[0] != "r" or name in ("[vvar]", "[vsyscall]", "[vdso]") or end >= 1 << 47:
            continue
        if next_start is not None and next_start == end:
            continue
        candidates.append((end, name))
    check(candidates, f"no readable mapping followed by a gap in {maps!r}")
    # Prefer the demo's own data (the mapping of g_counter) or the heap.
    for end, name in candidates:
        if name == "[heap]" or name.endswith("rspstub_demo"):
            return end, name
    return candidates[0]


def main(ctx):
    demo = ctx.start_demo()
    counter = demo.addresses["&g_counter"]
    message_ptr = demo.addresses["&g_message"]
    heap_string = demo.addresses["g_message"]
    stub = ctx.start_stub(demo)
    transcript = []  # printed on failure
    ctx.transcripts.append(("raw packets (-> sent, <- received)", ["test_packets.py"], transcript))

    client = RspClient(stub.port, transcript=transcript)
    try:
        run(ctx, demo, client, counter, message_ptr, heap_string)
    finally:
        client.close()
    check(stub.running(), f"rspstub exited (status {stub.popen.poll()}) after the raw session")
    check(demo.running(), "the demo process is gone after the raw session")


def run(ctx, demo, client, counter, message_ptr, heap_string):
    # Handshake, as gdb does it: qSupported in ack mode, then no-ack mode.
    features = client.request("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
                              "fork-events+;vfork-events+;exec-events+;vContSupported+;"
                              "QThreadEvents+;no-resumed+;xmlRegisters=i386").decode()
    fields = features.split(";")
    size = [f for f in fields if f.startswith("PacketSize=")]
    check(size and int(size[0].split("=")[1], 16) >= 512,
          f"qSupported: no usable PacketSize in {features!r}")
    for needed in ("QStartNoAckMode+", "qXfer:auxv:read+", "binary-upload+"):
        check(needed in fields, f"qSupported: {needed} missing from {features!r}")
    packet_size = int(size[0].split("=")[1], 16)
    client.start_no_ack()
    stop = client.request("?").decode()
    check(re.fullmatch(r"T[0-9a-f]{2}.*thread:[0-9a-fp.]+;.*", stop),
          f"'?': expected a T stop reply with thread:, got {stop!r}")
    check(client.request("qAttached") == b"1", "qAttached: expected 1 (attached, so gdb detaches)")

    # m of &g_counter, twice: it changes.
    first = u64(client.read_memory(counter, 8), f"m{counter:x},8")
    time.sleep(0.05)
    second = u64(client.read_memory(counter, 8), f"m{counter:x},8")
    check(first > 0, f"g_counter read as {first}: the demo's counter has been running")
    check(second > first, f"g_counter read as {first}, then {second} 50 ms later: it should grow")

    # x (binary-upload dialect) decodes to the same bytes as m.
    pointer = client.read_memory(message_ptr, 8)
    check(u64(pointer, f"m{message_ptr:x},8") == heap_string,
          f"m of &g_message: {pointer!r} is not the pointer {heap_string:#x} the demo printed")
    check(read_x(client, message_ptr, 8) == pointer,
          f"x{message_ptr:x},8 and m{message_ptr:x},8 disagree")
    text_m = client.read_memory(heap_string, len(MESSAGE) + 1)
    text_x = read_x(client, heap_string, len(MESSAGE) + 1)
    check(text_m == MESSAGE + b"\0", f"m of the heap string: {text_m!r}")
    check(text_x == text_m, f"x of the heap string: {text_x!r}, m gave {text_m!r}")
    third = u64(read_x(client, counter, 8), f"x{counter:x},8")
    fourth = u64(client.read_memory(counter, 8), f"m{counter:x},8")
    check(second <= third <= fourth,
          f"g_counter through m, m, x, m: {first}, {second}, {third}, {fourth} (not increasing)")
    # Bytes that need escaping in binary replies ('#', '$', '}', '*') survive the round trip:
    # read the whole page of the demo's code, whose bytes include them.
    page = demo.mapping_of(demo.addresses["&g_counter"])
    check(page is not None, "no mapping for &g_counter")
    code = [m for m in demo.maps() if m[2].startswith("r-x") and m[3] == page[3]]
    check(code, f"no executable mapping of {page[3]}")
    start = code[0][0]
    length = min(0x1000, code[0][1] - start)
    by_m = client.read_memory(start, length)
    by_x = read_x(client, start, length)
    check(isinstance(by_m, bytes) and len(by_m) > 0, f"m of the code at {start:#x}: {by_m!r}")
    check(isinstance(by_x, bytes) and len(by_x) > 0, f"x of the code at {start:#x}: {by_x!r}")
    n = min(len(by_m), len(by_x))
    if by_x[:n] != by_m[:n]:
        first = next(i for i in range(n) if by_x[i] != by_m[i])
        raise harness.TestFailure(f"x and m of the code at {start:#x} disagree from +{first:#x}: "
                                  f"x gave {by_x[first:first + 16]!r}, m {by_m[first:first + 16]!r}")
    check(any(b in by_m for b in (b"#", b"$", b"}", b"*")),
          "the code page holds none of the bytes that need escaping (the check proves nothing)")

    # Unmapped memory: E04, for m and x.
    check(client.read_memory(8, 4) == E_NO_MEMORY, f"m8,4: expected {E_NO_MEMORY}")
    check(read_x(client, 8, 4) == E_NO_MEMORY, f"x8,4: expected {E_NO_MEMORY}")

    # A read straddling the end of a mapping: the readable prefix, not an error.
    end, name = straddle_target(demo)
    ctx.note(f"straddling read at the end of {name or 'an anonymous mapping'} ({end:#x})")
    tail = client.read_memory(end - 8, 8)
    check(isinstance(tail, bytes) and len(tail) == 8, f"m{end - 8:x},8 (mapped): {tail!r}")
    short = client.read_memory(end - 8, 16)
    check(isinstance(short, bytes) and len(short) == 8,
          f"m{end - 8:x},10 runs 8 bytes past the end of {name!r}: expected the 8 readable "
          f"bytes, got {short!r}")
    if name != "[heap]":  # the heap may change between the reads; the rest of the page not
        check(short == tail, f"m{end - 8:x},10: prefix {short!r} differs from {tail!r}")
    short_x = read_x(client, end - 8, 16)
    check(isinstance(short_x, bytes) and len(short_x) == 8,
          f"x{end - 8:x},10: expected the 8 readable bytes, got {short_x!r}")

    # A length beyond what one reply carries: served short, within PacketSize.
    big = client.request(f"m{demo.heap[0]:x},1000000")
    check(not is_error_reply(big) and 0 < len(big) <= packet_size and len(big) % 2 == 0,
          f"m{demo.heap[0]:x},1000000: expected a short hex reply of at most PacketSize "
          f"({packet_size}) characters, got {len(big)} characters starting {big[:20]!r}")

    # Addresses that can never be read: an error, and the stub keeps answering.
    for address in (0, 0xFFFFFFFFFFFFFF00, 0x8000000000000000, 0xFFFF800000000000):
        reply = client.read_memory(address, 4)
        check(isinstance(reply, str) and re.fullmatch(r"E[0-9a-f]{2}", reply),
              f"m{address:x},4: expected E NN, got {reply!r}")

    # Malformed: E01, then the session goes on, still in no-ack mode.
    check(client.request("mzz,4") == E_MALFORMED.encode(), f"mzz,4: expected {E_MALFORMED}")
    again = u64(client.read_memory(counter, 8), f"m{counter:x},8 after mzz,4")
    check(again >= fourth, f"m of g_counter after mzz,4: {again}, before {fourth}")
    check(client.request("m1234") == E_MALFORMED.encode(), f"m1234 (no length): expected {E_MALFORMED}")
    check(client.request(f"m{counter:x},8junk") == E_MALFORMED.encode(),
          f"m with trailing junk: expected {E_MALFORMED}")
    check(client.request("qAttached") == b"1", "qAttached after malformed packets")
    check(not client.stray_acks_after_no_ack,
          f"the stub sent acks {client.stray_acks_after_no_ack!r} after QStartNoAckMode "
          f"(it fell out of no-ack mode)")


if __name__ == "__main__":
    harness.main(main)
