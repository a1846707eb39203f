#!/usr/bin/env python3
"""Raw packets from a Linux client to rspstub.exe running under wine (the Windows backend).

Usage: test_packets_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE

Starts the Windows demo (tests/windows/demo_windows.c) under wine, serves it with
`rspstub.exe --attach PID --no-stop 127.0.0.1:0` (also under wine), and talks to it over
127.0.0.1: the handshake, qHostInfo (ostype windows), `m` of g_counter twice (it changes), the
heap string, a read running from a readable page into a PAGE_NOACCESS one (the readable prefix,
which rspstub must clamp itself: ReadProcessMemory is all-or-nothing on Windows), unmapped and
no-access addresses (E04), the thread list, the DLL list (qXfer:libraries:read), a refused write. Then SIGINT ends the stub (wine turns
it into a console Ctrl-C, which the stub handles), and the demo exits when its input closes.
Shared client code: tests/e2e/harness.py.
"""

import os
import re
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
import wine_case  # noqa: E402
from harness import RspClient, TestFailure, check, is_error_reply  # noqa: E402
from dll_list import check_dll_list  # noqa: E402

E_NO_MEMORY = "E04"
MESSAGE = b"hello from the rspstub windows demo"


def pattern_byte(i):
    return (i * 7 + 3) & 0xFF


def start_demo(wine_run, demo_exe):
    popen = subprocess.Popen([wine_run, demo_exe], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             preexec_fn=harness._die_with_parent)
    values = {}
    deadline = time.monotonic() + 60  # the first wine start of a fresh prefix is slow
    while True:
        line = harness._read_line(popen.stdout, deadline)
        if line is None:
            harness._terminate(popen)
            raise TestFailure(f"the demo did not print 'ready' (exit status {popen.poll()}); "
                              f"it printed {values!r}")
        line = line.strip()
        if line == "ready":
            return popen, values
        key, _, value = line.partition(" ")
        values[key] = value


def run(client, values):
    pid = int(values["pid"])
    page = int(values["page_size"])
    counter = int(values["g_counter"], 16)
    message_ptr = int(values["g_message"], 16)
    message = int(values["message"], 16)
    boundary = int(values["boundary"], 16)
    reserved = int(values["reserved"], 16)

    features = client.request("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    check(b"PacketSize=" in features, f"qSupported: {features!r}")
    client.start_no_ack()

    host = client.request("qHostInfo").decode()
    check("ostype:windows;" in host, f"qHostInfo: expected ostype:windows, got {host!r}")
    check("ptrsize:8;" in host, f"qHostInfo: expected ptrsize:8, got {host!r}")

    # g_counter, twice: the demo runs on while it is read.
    first = int.from_bytes(client.read_memory(counter, 8), "little")
    time.sleep(0.3)
    second = int.from_bytes(client.read_memory(counter, 8), "little")
    check(second > first, f"g_counter read as {first}, then {second} 300 ms later: it should grow")

    pointer = client.read_memory(message_ptr, 8)
    check(int.from_bytes(pointer, "little") == message,
          f"m of &g_message: {pointer!r}, the demo printed {message:#x}")
    text = client.read_memory(message, len(MESSAGE) + 1)
    check(text == MESSAGE + b"\0", f"m of the heap string: {text!r}")

    # From the last 8 bytes of a readable page into a PAGE_NOACCESS page: the 8 readable bytes.
    # (Under wine, ReadProcessMemory alone would return all 16: this is rspstub's clamping.)
    start = boundary + page - 8
    prefix = client.read_memory(start, 16)
    expected = bytes(pattern_byte(page - 8 + i) for i in range(8))
    check(prefix == expected, f"m{start:x},10 across into PAGE_NOACCESS: expected the 8 "
                              f"readable bytes {expected!r}, got {prefix!r}")
    binary = client.request(f"x{start:x},10")
    check(binary == b"b" + expected or binary == expected,
          f"x{start:x},10 across into PAGE_NOACCESS: got {binary!r}")

    for address, what in ((0x10, "unmapped"), (boundary + page, "PAGE_NOACCESS"),
                          (reserved, "reserved, not committed"),
                          (0xFFFF800000000000, "kernel half")):
        reply = client.read_memory(address, 8)
        check(reply == E_NO_MEMORY, f"m{address:x},8 ({what}): expected {E_NO_MEMORY}, "
                                    f"got {reply!r}")

    threads = client.request("qfThreadInfo").decode()
    for key in ("main_tid", "ticker_tid"):
        tid = int(values[key])
        check(re.search(rf"(^m|,)(p{pid:x}\.)?{tid:x}(,|$)", threads),
              f"qfThreadInfo: {key} {tid:#x} missing from {threads!r}")

    # qGetTIBAddr (gdb for Windows asks it first): the main thread's TEB, whose NT_TIB.Self
    # field (offset 0x30) points back at it.
    main_tid = int(values["main_tid"])
    tib = client.request(f"qGetTIBAddr:{main_tid:x}").decode()
    check(re.fullmatch(r"[0-9a-f]+", tib) is not None and int(tib, 16) == int(values["main_teb"], 16),
          f"qGetTIBAddr:{main_tid:x}: expected {values['main_teb']}, got {tib!r}")
    self_pointer = int.from_bytes(client.read_memory(int(tib, 16) + 0x30, 8), "little")
    check(self_pointer == int(tib, 16), f"TEB.Self at {tib}+0x30 reads {self_pointer:#x}")
    reply = client.request("qGetTIBAddr:7fffffff")
    check(is_error_reply(reply), f"qGetTIBAddr of no thread: expected an error, got {reply!r}")

    check_dll_list(client, features)

    reply = client.request(f"M{counter:x},1:00")
    check(is_error_reply(reply), f"M in --no-stop mode: expected an error, got {reply!r}")
    again = int.from_bytes(client.read_memory(counter, 8), "little")
    check(again >= second, f"g_counter after the refused write: {again}, before {second}")



def main():
    wine_run, rspstub, demo_exe = sys.argv[1:4]

    def body(case):
        case.demo, values = start_demo(wine_run, demo_exe)
        case.stub = harness.Stub([wine_run, rspstub, "--attach", values["pid"], "--no-stop",
                                  "127.0.0.1:0"], None, r"listening on 127\.0\.0\.1:(\d+)")
        client = RspClient(case.stub.port, timeout=30, transcript=case.transcript)
        try:
            run(client, values)
        finally:
            client.close()
        check(case.stub.running(), f"rspstub.exe exited (status {case.stub.popen.poll()})")
        # Ctrl-C (SIGINT, which wine delivers as a console event) ends the stub cleanly.
        os.kill(case.stub.popen.pid, signal.SIGINT)
        status = case.stub.wait_exit(15)
        check(status == 0, f"rspstub.exe after SIGINT: exit status {status}, expected 0")
        check(case.demo.poll() is None, "the demo died along with the stub")

    return wine_case.run("windows.packets", body)


if __name__ == "__main__":
    sys.exit(main())
