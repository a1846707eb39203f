#!/usr/bin/env python3
"""gdb and lldb-19 see the demo's shared libraries and symbols without a local program file.

Usage: test_files_libs.py RSPSTUB DEMO

gdb 13 is given no program file and keeps its default sysroot `target:`: it must read the demo
and its libraries through rspstub's vFile packets. Checks: `info sharedlibrary` lists libc with
its symbols read and a From address inside libc's r-x mapping in /proc/PID/maps; `print
&g_counter` gives the address the demo printed and `info symbol` names g_counter in the file
read from the target (so the symbols came over vFile); the packet log shows the vFile opens and
preads of the demo's path; no library-list parse warning. lldb-19 (also without a program file)
lists libc in `image list` at libc's real load address (its lowest mapping). The demo runs on.
"""

import os
import re
import time

import harness
from harness import check

GDB_BAD_SIGNS = [
    "while parsing target library list",
    "Remote connection closed",
    "Remote communication error",
    "Remote replied unexpectedly",
    "internal-error",
    "Fatal signal",
]


def libc_mappings(demo):
    maps = [m for m in demo.maps() if m[3].endswith("/libc.so.6")]
    check(maps, f"the demo has no libc.so.6 mapping in /proc/{demo.pid}/maps")
    return maps


def check_gdb(ctx, demo, stub):
    gdb = harness.require_tool("gdb", "gdb")
    counter_addr = demo.addresses["&g_counter"]
    argv = [gdb, "-batch", "-nx", "-iex", "set debuginfod enabled off",
            "-ex", f"target remote 127.0.0.1:{stub.port}",
            "-ex", "show sysroot",
            "-ex", "info sharedlibrary",
            "-ex", "print &g_counter",
            "-ex", f"info symbol {counter_addr:#x}",
            "-ex", "print g_counter"]  # no program file
    rc, out = ctx.run_client("gdb without a program file", argv, timeout=60)
    for sign in GDB_BAD_SIGNS:
        check(sign not in out, f"gdb said {sign!r}")
    check(rc == 0, f"gdb exited with status {rc}")
    check('system root is "target:"' in out, "gdb's sysroot should be the default target:")

    # info sharedlibrary: libc, symbols read, From inside libc's r-x mapping.
    rows = re.findall(r"^(0x[0-9a-f]+)\s+(0x[0-9a-f]+)\s+(Yes|No)( \(\*\))?\s+(\S+)$", out, re.M)
    libc = [r for r in rows if r[4].endswith("/libc.so.6")]
    check(libc, f"info sharedlibrary lists no libc.so.6; rows: {rows!r}")
    start, _end, syms, _star, name = libc[0]
    check(name.startswith("target:"), f"gdb read libc as {name!r}, not through the target")
    check(syms == "Yes", f"gdb did not read libc's symbols: {libc[0]!r}")
    text = [m for m in libc_mappings(demo) if m[2].startswith("r-x")]
    check(text, "no r-x mapping of libc in /proc/PID/maps")
    from_addr = int(start, 16)
    check(any(m[0] <= from_addr < m[1] for m in text),
          f"info sharedlibrary says libc's text starts at {from_addr:#x}, outside libc's r-x "
          f"mapping(s) {[(hex(m[0]), hex(m[1])) for m in text]}")

    # The demo's own symbols, from the file read over vFile.
    m = re.search(r"^\$1 = \(volatile unsigned long \*\) (0x[0-9a-f]+) <g_counter>$", out, re.M)
    check(m, "print &g_counter: no '$1 = (volatile unsigned long *) 0x... <g_counter>'")
    check(int(m.group(1), 16) == counter_addr,
          f"gdb puts g_counter at {m.group(1)}, the demo says {counter_addr:#x}")
    m = re.search(r"^g_counter in section \.bss of (\S+)$", out, re.M)
    check(m, f"info symbol {counter_addr:#x} should name g_counter in .bss")
    check(m.group(1) == "target:" + os.path.realpath(ctx.demo_path),
          f"info symbol names the file {m.group(1)!r}, expected target:{ctx.demo_path}")
    m = re.search(r"^\$2 = (\d+)$", out, re.M)
    check(m and int(m.group(1)) > 0, "print g_counter: expected a live value > 0")

    # The packets: the demo was opened and read over vFile, and the library list was asked for.
    log = stub.packet_log()
    demo_hex = os.path.realpath(ctx.demo_path).encode().hex()
    check(f"vFile:open:{demo_hex},0," in log, "gdb did not open the demo over vFile:open")
    check("vFile:pread:" in log and "vFile:fstat:" in log, "no vFile:pread / vFile:fstat packets")
    check("qXfer:libraries-svr4:read:" in log, "gdb did not ask for qXfer:libraries-svr4")
    check(re.search(r"\$l<library-list-svr4 version=\"1.0\" main-lm=\"0x[0-9a-f]+\">", log),
          "the library list for gdb should carry main-lm")


def check_lldb(ctx, demo, stub):
    lldb = harness.require_tool("lldb-19", "lldb-19")
    argv = [lldb, "-b", "-x", "-o", f"gdb-remote 127.0.0.1:{stub.port}", "-o", "image list"]
    rc, out = ctx.run_client("lldb image list", argv, timeout=60)
    check(rc == 0, f"lldb exited with status {rc}")
    rows = re.findall(r"^\[\s*\d+\]\s+\S+\s+(0x[0-9a-f]+)\s+(\S+)", out, re.M)
    libc = [r for r in rows if r[1].endswith("/libc.so.6")]
    check(libc, f"lldb image list shows no libc.so.6; rows: {rows!r}")
    load = int(libc[0][0], 16)
    base = min(m[0] for m in libc_mappings(demo))
    check(load == base, f"lldb loads libc at {load:#x}; its lowest mapping starts at {base:#x}")
    exe = [r for r in rows if r[1] == os.path.realpath(ctx.demo_path)]
    check(exe, f"lldb image list does not show the demo {ctx.demo_path}; rows: {rows!r}")


def main(ctx):
    demo = ctx.start_demo()
    stub = ctx.start_stub(demo)
    check_gdb(ctx, demo, stub)
    check_lldb(ctx, demo, stub)
    time.sleep(0.2)
    check(demo.running(), "the demo process is gone after the sessions")
    check(stub.running(), "rspstub exited after the sessions (it should wait for the next)")


if __name__ == "__main__":
    harness.main(main)
