// Signal numbers on the wire. gdb numbers signals its own way (gdb/signals.def: SIGSTOP is 17,
// SIGCHLD 20, SIGUSR1 30, ...) while the platform uses the host's (Linux x86-64: SIGSTOP 19).
// lldb negotiates nothing here and uses the host's numbers (lldb-server: native-signals+).
#pragma once

namespace rspstub::stub {

// Host signal -> gdb's number (143, "unknown", for signals gdb has no name for).
int host_to_gdb_signal(int host) noexcept;
// gdb's number -> host signal, or -1 when the host has no such signal.
int gdb_to_host_signal(int gdb) noexcept;

}  // namespace rspstub::stub
