#!/usr/bin/env python3
"""lldb-19 attaches to the running demo through rspstub --no-stop and reads live memory.

Usage: test_lldb.py RSPSTUB DEMO [--once | --threads]

Checks: lldb connects to the demo's pid (qProcessInfo); g_counter read twice (memory cache off),
both > 0 and increasing; g_message is the heap string at the heap address the demo printed; an
unmapped read fails with "memory read failed"; `memory read` at &g_counter; `thread list` shows the
demo's 2 threads; lldb exits 0 (it sends `k` on the way out: rspstub --no-stop must not kill); the
demo keeps running; rspstub keeps serving (or, with --once, exits by itself) and a second lldb
session sees g_counter advance. `memory read --binary` of the demo's 64 KiB of heap zeros (sent
run-length encoded in `x` replies) gives zeros around a middle word that holds a live g_counter.
With --threads: `thread list`, `bt all` and `register read` show each thread's real PC and SP.
"""

import os
import re
import sys
import time

import harness
from harness import check

# lldb -b stops at the first failing command, so the unmapped read runs inside `script`,
# which reports the command's result instead of failing.
UNMAPPED_READ = (
    "script r = lldb.SBCommandReturnObject(); "
    "_ = lldb.debugger.GetCommandInterpreter().HandleCommand('memory read 8', r); "
    "print('UNMAPPED: succeeded=%s error=%s' % (r.Succeeded(), r.GetError().strip()))"
)

COUNTER_RE = r"^\(volatile unsigned long\) g_counter = (\d+)$"


def lldb_command(lldb, port, demo_path, commands):
    argv = [lldb, "-b", "-x",
            "-o", "settings set target.process.disable-memory-cache true",
            "-o", f"gdb-remote 127.0.0.1:{port}"]
    for c in commands:
        argv += ["-o", c]
    return argv + [demo_path]


def check_connected(out, demo, what):
    m = re.search(r"^Process (\d+) stopped$", out, re.M)
    check(m, f"{what}: lldb did not report 'Process N stopped' after gdb-remote")
    check(int(m.group(1)) == demo.pid,
          f"{what}: lldb says it is attached to process {m.group(1)}, the demo is {demo.pid} "
          f"(qProcessInfo missing or wrong?)")
    errors = [line for line in out.splitlines()
              if re.search(r"(^|\s)error:", line) and not line.startswith("UNMAPPED:")]
    check(not errors, f"{what}: lldb reported errors: {errors!r}")


def main(ctx):
    once = "--once" in ctx.args
    lldb = harness.require_tool("lldb-19", "lldb-19")
    demo = ctx.start_demo()
    counter_addr = demo.addresses["&g_counter"]
    heap_string_addr = demo.addresses["g_message"]
    zeros_addr = demo.addresses["g_zeros"]
    zeros_file = os.path.join(ctx.tmp, "zeros.bin")
    stub = ctx.start_stub(demo, once=once)

    before = demo.peek_u64(counter_addr)
    rc, out = ctx.run_client("lldb session 1", lldb_command(lldb, stub.port, ctx.demo_path, [
        "target variable g_counter",
        "script import time; time.sleep(0.3)",
        "target variable g_counter",
        f"memory read --binary --force --outfile {zeros_file} {zeros_addr:#x} "
        f"{zeros_addr + harness.ZEROS_BYTES:#x}",
        "target variable g_message",
        UNMAPPED_READ,
        "memory read -s8 -fx -c2 &g_counter",
        "thread list",
        "target variable g_stats",
    ]))
    after = demo.peek_u64(counter_addr)

    check_connected(out, demo, "session 1")

    # g_counter, twice: live values, not the ELF's 0, and the second one later than the first.
    counters = [int(v) for v in re.findall(COUNTER_RE, out, re.M)]
    check(len(counters) == 2, f"expected 2 values of g_counter, got {counters!r}")
    c1, c2 = counters
    check(c1 > 0 and c2 > 0,
          f"g_counter read as {c1} and {c2}: 0 is its initial value in the ELF file, so the "
          f"remote read did not reach the running process")
    check(c2 > c1, f"g_counter read as {c1}, then {c2} 0.3 s later: it counts up every 10 ms, "
                   f"so the second read must be larger (lldb's memory cache, or a stale read?)")
    if before is not None and after is not None:
        check(before <= c1 <= c2 <= after,
              f"g_counter read through lldb as {c1}, {c2}; /proc/PID/mem said {before} before "
              f"the session and {after} after it")

    # The heap zeros: x replies of run-length encoded zeros, expanded by lldb, around the word
    # the ticker keeps at g_counter (read after c2 was printed, before the session ended).
    harness.check_zeros_around_counter(zeros_file, c2, after, "memory read --binary")

    # g_message: the heap string, at the address the demo printed (in [heap], not in the ELF).
    m = re.search(r'^\(char \*\) g_message = (0x[0-9a-f]+) "(.*)"$', out, re.M)
    check(m, 'target variable g_message: expected (char *) g_message = 0x... "hello from the '
             'rspstub demo"')
    pointer, text = int(m.group(1), 16), m.group(2)
    check(pointer == heap_string_addr,
          f"g_message = {pointer:#x}, but the demo's string is at {heap_string_addr:#x}")
    check(demo.heap[0] <= pointer < demo.heap[1],
          f"g_message = {pointer:#x} should be in the demo's heap, "
          f"{demo.heap[0]:#x}-{demo.heap[1]:#x}")
    check(text == "hello from the rspstub demo", f"g_message string read as {text!r}")

    # An unmapped address.
    m = re.search(r"^UNMAPPED: succeeded=(\w+) error=(.*)$", out, re.M)
    check(m, "the unmapped read (memory read 8) printed no result")
    check(m.group(1) == "False" and "memory read failed" in m.group(2),
          f"memory read 8 should fail with 'memory read failed', got succeeded={m.group(1)} "
          f"error={m.group(2)!r}")

    # memory read at &g_counter: two words at g_counter's (relocated) address.
    m = re.search(r"^(0x[0-9a-f]+): (0x[0-9a-f]+) (0x[0-9a-f]+)\s*$", out, re.M)
    check(m, "memory read -s8 -fx -c2 &g_counter: no '0x...: 0x... 0x...' line")
    check(int(m.group(1), 16) == counter_addr,
          f"memory read shows g_counter at {m.group(1)}, the demo says {counter_addr:#x}")
    word0, word1 = int(m.group(2), 16), int(m.group(3), 16)
    check(c2 <= word0, f"memory read &g_counter: first word {word0} is older than {c2}")
    if demo.addresses["&g_message"] == counter_addr + 8:
        check(word1 == heap_string_addr,
              f"memory read &g_counter: second word (g_message) is {word1:#x}, expected "
              f"{heap_string_addr:#x}")

    # thread list: the demo's two threads.
    tids = sorted(int(t) for t in re.findall(r"^\*?\s+thread #\d+: tid = (\d+)", out, re.M))
    check(tids == demo.tids,
          f"thread list shows thread ids {tids}, the demo's are {demo.tids}")

    m = re.search(r"^\(stats\) g_stats = \(ticks = (\d+), last_second = (\d+)", out, re.M)
    check(m, "target variable g_stats (the last command) printed no value")
    check(int(m.group(1)) >= c2, f"g_stats.ticks = {m.group(1)} is older than g_counter = {c2}")

    # lldb exited 0; it sent `k` on its way out, and the demo must run on.
    check(rc == 0, f"lldb exited with status {rc}")
    time.sleep(0.3)
    check(demo.running(), "the demo process is gone after the lldb session (lldb sends `k` when "
                          "it quits; rspstub --no-stop must not kill the process)")

    if once:
        status = stub.wait_exit(10)
        check(status is not None, "rspstub --once still runs 10 s after lldb quit")
        check(status == 0, f"rspstub --once exited with status {status} after lldb quit")
        check(demo.running(), "the demo process is gone after rspstub --once exited")
        stub = ctx.start_stub(demo, once=True)
    else:
        check(stub.running(), f"rspstub exited (status {stub.popen.poll()}) after lldb quit")

    # A second session: g_counter has moved on.
    rc, out = ctx.run_client("lldb session 2", lldb_command(lldb, stub.port, ctx.demo_path, [
        "target variable g_counter",
    ]))
    check_connected(out, demo, "session 2")
    counters = [int(v) for v in re.findall(COUNTER_RE, out, re.M)]
    check(len(counters) == 1, f"session 2: expected one value of g_counter, got {counters!r}")
    c3 = counters[0]
    check(c3 > c2, f"session 2: g_counter = {c3}, not larger than {c2} seen in session 1")
    check(rc == 0, f"lldb (session 2) exited with status {rc}")
    time.sleep(0.3)
    check(demo.running(), "the demo process is gone after the second lldb session")
    if once:
        check(stub.wait_exit(10) == 0, "rspstub --once did not exit with 0 after session 2")
    else:
        check(stub.running(), "rspstub exited after the second lldb session")
    ctx.note(f"g_counter: {c1} -> {c2} -> {c3}; g_message at {pointer:#x}")


def threads_main(ctx):
    """--threads: lldb must see each thread's real PC (and SP), never the 0xcc bytes it makes of
    the `xx` (unavailable) bytes of a `g` reply."""
    lldb = harness.require_tool("lldb-19", "lldb-19")
    demo = ctx.start_demo()
    code = [(m[0], m[1]) for m in demo.maps() if "x" in m[2]]
    stub = ctx.start_stub(demo)
    rc, out = ctx.run_client("lldb threads", lldb_command(lldb, stub.port, ctx.demo_path, [
        "thread list",
        "bt all",
        "register read rip rsp",
    ]))
    check_connected(out, demo, "threads")
    check(rc == 0, f"lldb exited with status {rc}")
    garbage = "0xcccccccccccccccc"
    listed = re.findall(r"^\*?\s+thread #(\d+): tid = (\d+), (0x[0-9a-f]+)", out, re.M)
    check(sorted(int(t[1]) for t in listed) == demo.tids,
          f"thread list: expected threads {demo.tids}, got {listed!r}")
    for number, tid, pc in listed:
        check(pc != garbage, f"thread list: thread #{number} (tid {tid}) is at {pc}: lldb made "
                             f"that of unavailable (xx) register bytes; its real PC is in "
                             f"/proc/{demo.pid}/task/{tid}/syscall")
        check(any(lo <= int(pc, 16) < hi for lo, hi in code),
              f"thread list: thread #{number} (tid {tid}) PC {pc} is not in executable memory")
    # Only the output of `bt all` (lldb also prints frame #0 of each thread when it connects).
    bt_out = out.split("(lldb) bt all", 1)[-1].split("(lldb) ", 1)[0]
    frames0 = re.findall(r"^\s+\*?\s*frame #0: (0x[0-9a-f]+)", bt_out, re.M)
    check(len(frames0) == len(listed), f"bt all: expected a frame #0 per thread, got {frames0!r}")
    check(sorted(frames0) == sorted(t[2] for t in listed),
          f"bt all: frame #0 PCs {frames0} differ from thread list's {[t[2] for t in listed]}")
    regs = dict(re.findall(r"^\s+(rip|rsp) = (0x[0-9a-f]+)", out, re.M))
    check(set(regs) == {"rip", "rsp"}, "register read rip rsp printed no values")
    selected_pc = dict((t[0], t[2]) for t in listed).get("1")
    check(int(regs["rip"], 16) == int(selected_pc, 16),
          f"register read rip = {regs['rip']}, but thread #1 is at {selected_pc} (lldb takes "
          f"registers from g when p0 fails, and decodes g's xx bytes as 0xcc)")
    check(regs["rsp"] != garbage, f"register read rsp = {regs['rsp']}: unavailable bytes")
    time.sleep(0.3)
    check(demo.running(), "the demo process is gone after the lldb session")
    check(stub.running(), "rspstub exited after the lldb session")


if __name__ == "__main__":
    harness.main(threads_main if "--threads" in sys.argv[3:] else main)
