#!/usr/bin/env python3
"""When the served process exits, rspstub says so and exits 0 by itself: at once when no
debugger is connected, and after the debugger leaves when one is (it gets E06 meanwhile)."""

import time

import harness
from harness import RspClient, check


def main(ctx):
    # No debugger connected.
    demo = ctx.start_demo()
    stub = ctx.start_stub(demo)
    demo.stop()
    status = stub.wait_exit(5)
    check(status == 0, f"rspstub did not exit 0 within 5 s after its target died (status {status})")
    check(any("has exited" in line for line in stub.stderr_lines),
          "rspstub did not say the process has exited")

    # A debugger connected: reads fail with E06, and rspstub outlives the target until it leaves.
    demo = ctx.start_demo()
    stub = ctx.start_stub(demo)
    client = RspClient(stub.port)
    client.start_no_ack()
    demo.stop()
    time.sleep(0.6)
    check(stub.running(), "rspstub exited while a debugger was still connected")
    check(client.request("m%x,8" % demo.addresses["&g_counter"]) == b"E06",
          "a read after the target died: expected E06")
    client.close()
    status = stub.wait_exit(5)
    check(status == 0, f"rspstub did not exit 0 after the debugger left (status {status})")


if __name__ == "__main__":
    harness.main(main)
