#!/usr/bin/env python3
"""Run control of a Windows program through the Win32 Debug API, with raw packets.

Usage: test_control_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE NM

`rspstub.exe 127.0.0.1:0 -- DEMO_EXE` (under wine) launches the demo under the debugger. Then:
`?` (the initial SIGTRAP stop), `g` (registers known: rip, rsp), qGetTIBAddr of the reported
thread (TEB.Self points back), qXfer:libraries:read (ntdll.dll and kernel32.dll, see
dll_list.py), Z0 at the demo's `ticker` function (its address from NM; the
bytes there must read the same through the stub as in the file's symbol table says code),
vCont;c -> T05 at the breakpoint in a second thread with rip == ticker, z0, vCont;c -> W00
(the demo exits 0: its standard input is empty). Then a second launch ended with `k`.
"""

import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
import wine_case  # noqa: E402
from harness import RspClient, TestFailure, check  # noqa: E402
from dll_list import check_dll_list  # noqa: E402

RIP_OFFSET = 16 * 8  # rip is register 16, after 16 8-byte registers


def symbol_address(nm, exe, name, types="tT"):
    """The address nm gives `name` among symbols of the given nm types (text by default)."""
    out = subprocess.run([nm, exe], capture_output=True, text=True, check=True).stdout
    m = re.search(rf"^([0-9a-f]+) [{types}] {name}$", out, re.M)
    if not m:
        raise TestFailure(f"{name} not found by {nm} in {exe}")
    return int(m.group(1), 16)


def register(g_reply, offset):
    text = g_reply[2 * offset:2 * offset + 16].decode()
    check(re.fullmatch(r"[0-9a-f]{16}", text) is not None, f"register at {offset}: {text!r}")
    return int.from_bytes(bytes.fromhex(text), "little")


def stop_thread(reply):
    m = re.search(rb"thread:(?:p[0-9a-f]+\.)?([0-9a-f]+);", reply)
    check(m is not None, f"stop reply without thread: {reply!r}")
    return int(m.group(1), 16)


def launch(wine_run, rspstub, demo_exe):
    return harness.Stub([wine_run, rspstub, "127.0.0.1:0", "--", demo_exe], None,
                        r"listening on 127\.0\.0\.1:(\d+)")


def run_to_exit(client, ticker):
    features = client.request("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    client.start_no_ack()
    stop = client.request("?")
    check(stop.startswith(b"T05"), f"? after launch: expected T05 (SIGTRAP), got {stop!r}")
    main_tid = stop_thread(stop)
    regs = client.request(f"g")
    rip = register(regs, RIP_OFFSET)
    rsp = register(regs, 7 * 8)
    check(rip != 0 and rsp != 0, f"g at the first stop: rip {rip:#x}, rsp {rsp:#x}")

    tib = int(client.request(f"qGetTIBAddr:{main_tid:x}").decode(), 16)
    self_pointer = int.from_bytes(client.read_memory(tib + 0x30, 8), "little")
    check(self_pointer == tib, f"TEB at {tib:#x}: Self reads {self_pointer:#x}")
    # At the loader's first breakpoint the static imports are loaded: ntdll, kernel32, ...
    check_dll_list(client, features)

    code = client.read_memory(ticker, 4)
    check(isinstance(code, bytes), f"m at ticker {ticker:#x}: {code!r} (image relocated?)")
    check(client.request(f"Z0,{ticker:x},1") == b"OK", "Z0 at ticker")
    check(client.read_memory(ticker, 4) == code, "the breakpoint shows in memory reads")
    stop = client.request("vCont;c")
    check(stop.startswith(b"T05"), f"vCont;c to the breakpoint: expected T05, got {stop!r}")
    check(b"swbreak:" in stop, f"breakpoint stop without swbreak: {stop!r}")
    tid = stop_thread(stop)
    check(tid != main_tid, f"the breakpoint is in the ticker thread, reported {tid:#x}")
    check(client.request(f"Hg{tid:x}") == b"OK", "Hg")
    rip = register(client.request("g"), RIP_OFFSET)
    check(rip == ticker, f"rip at the breakpoint: {rip:#x}, expected {ticker:#x}")

    check(client.request(f"z0,{ticker:x},1") == b"OK", "z0 at ticker")
    end = client.request("vCont;c")
    check(re.match(rb"W00(;process:[0-9a-f]+)?$", end) is not None,
          f"vCont;c to the end: expected W00 (exit code 0), got {end!r}")



def main():
    wine_run, rspstub, demo_exe, nm = sys.argv[1:5]

    def body(case):
        ticker = symbol_address(nm, demo_exe, "ticker")
        case.stub = launch(wine_run, rspstub, demo_exe)
        client = RspClient(case.stub.port, timeout=30, transcript=case.transcript)
        try:
            run_to_exit(client, ticker)
        finally:
            client.close()
        status = case.stub.wait_exit(20)
        check(status == 0, f"rspstub.exe after the program exited: status {status}, expected 0")
        case.stub.stop()

        case.stub = launch(wine_run, rspstub, demo_exe)
        client = RspClient(case.stub.port, timeout=30, transcript=[])
        client.start_no_ack()
        check(client.request("?").startswith(b"T05"), "? after the second launch")
        client.send("k")
        client.close()
        status = case.stub.wait_exit(20)
        check(status == 0, f"rspstub.exe after k: status {status}, expected 0")

    return wine_case.run("windows.control", body)


if __name__ == "__main__":
    sys.exit(main())
