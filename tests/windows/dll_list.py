"""Checks of rspstub.exe's DLL list (qXfer:libraries:read), shared by the raw-packet tests
(windows.packets: inspection mode; windows.control: a process under the Debug API)."""

import re

from harness import TestFailure, check


def read_xfer(client, obj, chunk=0x200):
    """The whole qXfer object, paged in `chunk`-byte requests."""
    data = b""
    for _ in range(1000):
        reply = client.request(f"qXfer:{obj}:read::{len(data):x},{chunk:x}")
        check(reply[:1] in (b"m", b"l"), f"qXfer:{obj}:read at {len(data):#x}: got {reply!r}")
        data += reply[1:]
        if reply[:1] == b"l":
            return data.decode()
    raise TestFailure(f"qXfer:{obj}:read never ended")


def check_dll_list(client, features):
    """qXfer:libraries:read: advertised; ntdll.dll and kernel32.dll listed, each with a segment
    address one page past an image base that holds a PE image (MZ); the demo itself not listed."""
    check(b"qXfer:libraries:read+" in features, f"qSupported lacks qXfer:libraries:read+: "
                                                f"{features!r}")
    xml = read_xfer(client, "libraries")
    check(xml.startswith("<library-list") and xml.endswith("</library-list>"),
          f"qXfer:libraries: not a library list: {xml!r}")
    libraries = re.findall(r'<library name="([^"]*)"><segment address="0x([0-9a-f]+)"/></library>',
                           xml)
    check(len(libraries) == xml.count("<library "), f"qXfer:libraries: unexpected form {xml!r}")
    names = {name.lower().rsplit("\\", 1)[-1]: int(address, 16) for name, address in libraries}
    for dll in ("ntdll.dll", "kernel32.dll"):
        check(dll in names, f"qXfer:libraries: {dll} missing from {xml!r}")
        base = names[dll] - 0x1000
        check(base > 0x10000 and base % 0x1000 == 0, f"{dll}: implausible base {base:#x}")
        check(client.read_memory(base, 2) == b"MZ", f"{dll}: no PE image (MZ) at {base:#x}")
    check(not any(name.endswith(".exe") for name in names),
          f"qXfer:libraries lists the executable: {xml!r}")
