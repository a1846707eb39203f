// Symbolized backtraces of a stopped process's threads, without a debugger (rspstub
// --on-failure when no debugger arrives). Linux: elfutils libdwfl (linux/backtrace_dwfl.cpp).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "platform/result.hpp"

namespace rspstub::platform {

struct BacktraceFrame {
  std::uint64_t pc = 0;      // the return address (or, for frame 0, the PC itself)
  std::string function;      // demangled symbol; empty when unknown
  std::uint64_t offset = 0;  // pc - the symbol's start (for the looked-up address, see below)
  std::string module;        // the shared object or executable's path; empty when unknown
  std::string file;          // source file from the debug info; empty when there is none
  int line = 0;              // 0 when unknown
};

struct ThreadBacktrace {
  int tid = 0;
  std::vector<BacktraceFrame> frames;  // innermost first
  std::string error;                   // why unwinding stopped early, if it did ("" otherwise)
};

// The backtrace of each of `tids` (threads of `pid`). Every thread must be stopped by this
// process as its tracer (ptrace) and stays stopped. Return addresses are looked up at pc - 1 so
// a call at the end of a function is attributed to that function and line. A thread that cannot
// be unwound gets an entry with `error` set (and the frames found so far).
// Errors: process_gone, permission, not_supported (no backend on this OS), io_error.
Result<std::vector<ThreadBacktrace>> backtrace_all_threads(int pid, std::span<const int> tids);

}  // namespace rspstub::platform
