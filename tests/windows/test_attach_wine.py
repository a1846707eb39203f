#!/usr/bin/env python3
"""Attaching to a running Windows program through the Win32 Debug API, with raw packets.

Usage: test_attach_wine.py WINE_RUN RSPSTUB_EXE DEMO_EXE

The test starts the demo under wine itself, then `rspstub.exe --attach PID` (DebugActiveProcess):
  - `?` is a stop reply naming a thread of the demo;
  - g_counter (its address printed by the demo) is read, the program runs (`vCont;c`) for a
    moment and is interrupted (`\\x03`, DebugBreakProcess) -> a stop reply; g_counter has grown,
    and does not change while the program is stopped;
  - `vCont;s:TID` on the ticker thread -> T05 for that thread, with a different rip;
  - `D` -> OK; the demo keeps running: a second stub, `--attach PID --no-stop`, reads g_counter
    growing, and the demo process is still alive.
"""

import os
import re
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))
import harness  # noqa: E402
import wine_case  # noqa: E402
from harness import RspClient, check  # noqa: E402
from test_control_wine import RIP_OFFSET, register, stop_thread  # noqa: E402
from test_packets_wine import start_demo  # noqa: E402


def read_u64(client, address):
    data = client.read_memory(address, 8)
    check(isinstance(data, bytes) and len(data) == 8, f"m at {address:#x}: {data!r}")
    return int.from_bytes(data, "little")


def attach(wine_run, rspstub, pid, *options):
    return harness.Stub([wine_run, rspstub, "--attach", str(pid), *options, "127.0.0.1:0"], None,
                        r"listening on 127\.0\.0\.1:(\d+)")


def interrupt(client):
    """Sends the interrupt byte and returns the stop reply that answers it."""
    client.transcript.append("-> \\x03")
    client.sock.sendall(b"\x03")
    reply = harness.expand_rle(client._read_packet())
    client.transcript.append(f"<- {reply[:200]!r}")
    return reply


def run_attached(client, values):
    counter = int(values["g_counter"], 16)
    ticker_tid = int(values["ticker_tid"])

    client.request("qSupported:multiprocess+;swbreak+;hwbreak+;xmlRegisters=i386")
    client.start_no_ack()
    stop = client.request("?")
    check(re.match(rb"T[0-9a-f]{2}", stop) is not None, f"? after attach: {stop!r}")
    stop_thread(stop)  # names a thread

    before = read_u64(client, counter)
    check(read_u64(client, counter) == before, "g_counter changed while the program was stopped")
    client.send("vCont;c")
    time.sleep(0.5)  # the ticker adds one every 10 ms
    stop = interrupt_stop = interrupt(client)
    check(re.match(rb"T[0-9a-f]{2}", stop) is not None, f"stop reply after \\x03: {stop!r}")
    after = read_u64(client, counter)
    check(after > before, f"g_counter read {before}, then {after} after running 0.5 s")
    time.sleep(0.1)
    check(read_u64(client, counter) == after, "g_counter changed after the interrupt stop")

    check(client.request(f"Hg{ticker_tid:x}") == b"OK", f"Hg{ticker_tid:x}")
    rip = register(client.request("g"), RIP_OFFSET)
    stop = client.request(f"vCont;s:{ticker_tid:x}")
    check(stop.startswith(b"T05"), f"vCont;s:{ticker_tid:x}: expected T05, got {stop!r}")
    check(stop_thread(stop) == ticker_tid, f"the step stopped another thread: {stop!r}")
    check(client.request(f"Hg{ticker_tid:x}") == b"OK", f"Hg{ticker_tid:x} after the step")
    stepped = register(client.request("g"), RIP_OFFSET)
    check(stepped != rip, f"rip after a single step is still {rip:#x}")
    print(f"interrupt stop {interrupt_stop[:3]!r}; g_counter {before} -> {after}; "
          f"step of thread {ticker_tid:#x}: rip {rip:#x} -> {stepped:#x}")

    check(client.request("D") == b"OK", "D")
    return after



def main():
    wine_run, rspstub, demo_exe = sys.argv[1:4]

    def body(case):
        case.demo, values = start_demo(wine_run, demo_exe)
        pid = int(values["pid"])
        counter = int(values["g_counter"], 16)
        case.stub = attach(wine_run, rspstub, pid)
        client = RspClient(case.stub.port, timeout=30, transcript=case.transcript)
        try:
            last = run_attached(client, values)
        finally:
            client.close()
        case.stub.wait_exit(10)
        case.stub.stop()

        time.sleep(0.3)
        check(case.demo.poll() is None, f"the demo ended after D (status {case.demo.poll()})")
        case.stub = attach(wine_run, rspstub, pid, "--no-stop")
        client = RspClient(case.stub.port, timeout=30, transcript=case.transcript)
        try:
            client.start_no_ack()
            first = read_u64(client, counter)
            time.sleep(0.3)
            second = read_u64(client, counter)
        finally:
            client.close()
        check(first > last and second > first,
              f"after D g_counter reads {first}, then {second} (it was {last} at the detach): "
              f"the demo should run on")
        print(f"g_counter: {last} at the detach, then {first}, {second}")

    return wine_case.run("windows.attach", body)


if __name__ == "__main__":
    sys.exit(main())
