#!/usr/bin/env python3
"""gdb attaches to the running demo through rspstub --no-stop and reads live memory.

Usage: test_gdb.py RSPSTUB DEMO [--once]

Checks: g_counter read twice, both > 0 and increasing (values gdb cannot take from the ELF file,
where g_counter is 0); g_message is the heap string at the heap address the demo printed; an
unmapped read says "Cannot access memory at address"; x/2gx at &g_counter; info threads lists the
demo's 2 threads; bt prints a frame; dump binary memory of the demo's 64 KiB of heap zeros
(rspstub run-length encodes them) gives zeros around a middle word that holds a live g_counter; gdb detaches and exits 0; the demo keeps running; rspstub
keeps serving (or, with --once, exits by itself) and a second gdb session sees g_counter advance.
"""

import os
import re
import time

import harness
from harness import check

# Text that means the session went wrong even if gdb exits 0.
BAD_SIGNS = [
    "Remote connection closed",
    "Remote communication error",
    "Ignoring packet error",
    "Remote replied unexpectedly",
    "Remote register badly formatted",
    "Invalid hex digit",
    "Truncated register",
    "internal-error",
    "Fatal signal",
]


def gdb_command(gdb, port, demo_path, commands):
    argv = [gdb, "-batch", "-nx", "-iex", "set debuginfod enabled off",
            "-ex", f"target remote 127.0.0.1:{port}"]
    for c in commands:
        argv += ["-ex", c]
    return argv + [demo_path]


def check_clean(output, what):
    for sign in BAD_SIGNS:
        check(sign not in output, f"{what}: gdb said {sign!r}")


def print_values(output):
    """The values of gdb's `print` results, in order: ["12", "0x55... \"hello\"", ...]."""
    return re.findall(r"^\$\d+ = (.*)$", output, re.M)


def main(ctx):
    once = "--once" in ctx.args
    gdb = harness.require_tool("gdb", "gdb")
    demo = ctx.start_demo()
    counter_addr = demo.addresses["&g_counter"]
    heap_string_addr = demo.addresses["g_message"]
    zeros_addr = demo.addresses["g_zeros"]
    zeros_file = os.path.join(ctx.tmp, "zeros.bin")
    stub = ctx.start_stub(demo, once=once)

    before = demo.peek_u64(counter_addr)
    rc, out = ctx.run_client("gdb session 1", gdb_command(gdb, stub.port, ctx.demo_path, [
        "print g_counter",
        "shell sleep 0.3",
        "print g_counter",
        f"dump binary memory {zeros_file} {zeros_addr:#x} "
        f"{zeros_addr + harness.ZEROS_BYTES:#x}",
        "print g_message",
        "print *(int*)8",
        "x/2gx &g_counter",
        "info threads",
        "bt",
        "print g_stats",
    ]))
    after = demo.peek_u64(counter_addr)

    check_clean(out, "session 1")
    values = print_values(out)
    check(len(values) == 4,
          f"expected 4 print results (g_counter twice, g_message, g_stats), got {values!r}")

    # g_counter, twice: live values, not the ELF's 0, and the second one later than the first.
    for v in values[:2]:
        check(re.fullmatch(r"\d+", v), f"print g_counter: expected a number, got {v!r}")
    c1, c2 = int(values[0]), int(values[1])
    check(c1 > 0 and c2 > 0,
          f"g_counter read as {c1} and {c2}: 0 is its initial value in the ELF file, so the "
          f"remote read did not reach the running process")
    check(c2 > c1, f"g_counter read as {c1}, then {c2} 0.3 s later: it counts up every 10 ms, "
                   f"so the second read must be larger (a cached or stale value?)")
    if before is not None and after is not None:
        check(before <= c1 <= c2 <= after,
              f"g_counter read through gdb as {c1}, {c2}; /proc/PID/mem said {before} before "
              f"the session and {after} after it")

    # The heap zeros: m replies of run-length encoded zeros, expanded by gdb, around the word
    # the ticker keeps at g_counter (read after c2 was printed, before the session ended).
    harness.check_zeros_around_counter(zeros_file, c2, after, "dump binary memory")

    # g_message: the heap string, at the address the demo printed (in [heap], not in the ELF).
    m = re.fullmatch(r'(0x[0-9a-f]+) "(.*)"', values[2])
    check(m, f'print g_message: expected 0x... "hello from the rspstub demo", got {values[2]!r}')
    pointer, text = int(m.group(1), 16), m.group(2)
    check(pointer == heap_string_addr,
          f"g_message = {pointer:#x}, but the demo's string is at {heap_string_addr:#x}")
    check(demo.heap[0] <= pointer < demo.heap[1],
          f"g_message = {pointer:#x} should be in the demo's heap, "
          f"{demo.heap[0]:#x}-{demo.heap[1]:#x}")
    check(text == "hello from the rspstub demo", f"g_message string read as {text!r}")

    # An unmapped address.
    check("Cannot access memory at address 0x8" in out,
          "print *(int*)8 should fail with 'Cannot access memory at address 0x8'")

    # x/2gx &g_counter: two words at g_counter's (relocated) address.
    m = re.search(r"^(0x[0-9a-f]+) <g_counter>:\s+(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s*$", out, re.M)
    check(m, "x/2gx &g_counter: no '0x... <g_counter>: 0x... 0x...' line")
    check(int(m.group(1), 16) == counter_addr,
          f"x/2gx shows g_counter at {m.group(1)}, but the demo says it is at {counter_addr:#x}")
    word0, word1 = int(m.group(2), 16), int(m.group(3), 16)
    check(c2 <= word0, f"x/2gx &g_counter: first word {word0} is older than g_counter = {c2}")
    if demo.addresses["&g_message"] == counter_addr + 8:
        check(word1 == heap_string_addr,
              f"x/2gx &g_counter: second word (g_message) is {word1:#x}, expected "
              f"{heap_string_addr:#x}")

    # info threads: the demo's two threads.
    threads = re.findall(r"^\*?\s+(\d+)\s+(Thread|LWP|process)\s+([0-9.]+)", out, re.M)
    check(len(threads) == 2, f"info threads: expected 2 threads, found {threads!r}")
    tids = sorted(int(t[2].split(".")[-1]) for t in threads)
    check(tids == demo.tids,
          f"info threads shows thread ids {tids}, the demo's are {demo.tids}")

    # bt: at least one frame.
    check(re.search(r"^#0\s+\S", out, re.M), "bt printed no frame #0")
    check(values[3].startswith("{ticks = ") and "last_second = " in values[3],
          f"print g_stats (after bt) gave {values[3]!r}")
    stats_ticks = int(re.match(r"\{ticks = (\d+)", values[3]).group(1))
    check(stats_ticks >= c2, f"g_stats.ticks = {stats_ticks} is older than g_counter = {c2}")

    # gdb detached (the stub said qAttached=1), exited 0, and the demo runs on.
    check(re.search(r"\[Inferior 1 \(process \d+\) detached\]", out),
          "gdb should end the session with '[Inferior 1 (process N) detached]'")
    check(rc == 0, f"gdb exited with status {rc}")
    time.sleep(0.3)
    check(demo.running(), "the demo process is gone after the gdb session")

    if once:
        status = stub.wait_exit(10)
        check(status is not None, "rspstub --once still runs 10 s after gdb detached")
        check(status == 0, f"rspstub --once exited with status {status} after gdb detached")
        check(demo.running(), "the demo process is gone after rspstub --once exited")
        stub = ctx.start_stub(demo, once=True)
    else:
        check(stub.running(), f"rspstub exited (status {stub.popen.poll()}) after gdb detached")

    # A second session: g_counter has moved on.
    rc, out = ctx.run_client("gdb session 2", gdb_command(gdb, stub.port, ctx.demo_path, [
        "print g_counter",
    ]))
    check_clean(out, "session 2")
    values = print_values(out)
    check(len(values) == 1 and values[0].isdigit(),
          f"session 2: expected one print result, got {values!r}")
    c3 = int(values[0])
    check(c3 > c2, f"session 2: g_counter = {c3}, not larger than {c2} seen in session 1")
    check(rc == 0, f"gdb (session 2) exited with status {rc}")
    time.sleep(0.3)
    check(demo.running(), "the demo process is gone after the second gdb session")
    if once:
        check(stub.wait_exit(10) == 0, "rspstub --once did not exit with 0 after session 2")
    else:
        check(stub.running(), "rspstub exited after the second gdb session")
    ctx.note(f"g_counter: {c1} -> {c2} -> {c3}; g_message at {pointer:#x}")


if __name__ == "__main__":
    harness.main(main)
