// The text rspstub --on-failure prints when a program fails: the one line that says what
// happened and how to connect, the backtrace of every thread, and the exit status that stands
// for the failure. Pure (formatting only), so the exact wording is unit-tested.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/backtrace.hpp"

namespace rspstub::stub {

// Exit status for a run that timed out (as timeout(1) uses).
inline constexpr int kTimeoutExitStatus = 124;
// Exit status when the program cannot be started (as a shell uses for "command not found").
inline constexpr int kCannotStartExitStatus = 127;

struct Failure {
  int pid = 0;
  std::string program;           // as the user wrote it (argv[0] after --)
  bool timed_out = false;        // a hang: ran past --timeout
  unsigned timeout_seconds = 0;
  int signal = 0;                // the fatal signal (0 for a timeout)
  std::string cause;             // "address not mapped", "sent by tgkill (raise/abort)", ...
  int tid = 0;                   // the faulting thread (a timeout: the thread that reported)
  std::optional<std::uint64_t> fault_address;  // si_addr
  std::optional<std::uint64_t> pc;             // that thread's PC
};

// The status the program's run stands for: 128 + signal (like a shell), or 124 for a timeout.
int failure_exit_status(const Failure& f) noexcept;

// "process 42 (./t) got SIGSEGV (address not mapped) in thread 43 at address 0x0, pc 0x401136"
// or "process 42 (./t) timed out after 5 s, stopped; thread 42 at pc 0x7f...".
std::string describe_failure(const Failure& f);

// The one line printed when waiting for a debugger at `where` ("127.0.0.1:1234", "unix:/p").
std::string waiting_line(const Failure& f, const std::string& where, unsigned wait_seconds);

// `program` quoted for a POSIX shell when it needs it (spaces, quotes, ...).
std::string shell_quote(const std::string& word);

// The gdb and lldb commands that connect to `where`.
std::string gdb_command(const std::string& program, const std::string& where);
std::string lldb_command(const std::string& program, const std::string& where);

struct ThreadLabel {
  int tid = 0;
  std::string name;
};

// Every thread's frames, the failing thread first, marked with `role` ("faulting thread"):
//   Thread 43 "worker" (faulting thread):
//     #0  0x0000000000401136 in crash_here+0x16 at /src/t.c:12 (/build/t)
std::string format_backtrace(const std::vector<platform::ThreadBacktrace>& threads,
                             const std::vector<ThreadLabel>& names, int failing_tid,
                             const std::string& role = "faulting thread");

}  // namespace rspstub::stub
