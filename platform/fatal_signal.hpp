// Which signal stops mean "this program is about to die" (rspstub --on-failure). Pure: the
// caller reads the target's signal disposition (platform/signal_disposition.hpp) at the stop and
// asks here. Signal numbers are platform/signal_numbers.hpp's (POSIX names, Linux numbers, on
// every host).
#pragma once

#include <cstdint>
#include <string_view>

namespace rspstub::platform {

// A process's signal disposition as masks: bit (sig - 1) stands for signal `sig` (1..64).
struct SignalDisposition {
  std::uint64_t caught = 0;   // a handler is installed (Linux: SigCgt)
  std::uint64_t ignored = 0;  // SIG_IGN (Linux: SigIgn)

  bool catches(int sig) const noexcept;
  bool ignores(int sig) const noexcept;
};

// True for the signals whose default action is to terminate the process and dump core:
// SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS.
bool default_action_dumps_core(int sig) noexcept;

// True if delivering `sig` now kills the process with a core-dumping signal: its default action
// dumps core and the program neither handles nor ignores it. Read the disposition at the stop:
// the kernel resets a fault signal (SIGSEGV from a bad access, ...) that is blocked or ignored to
// SIG_DFL before the tracer sees it, so such a fault shows up as not caught and is fatal.
bool is_fatal(int sig, const SignalDisposition& disposition) noexcept;

// The signals a launcher passes straight to the program without looking at them: every signal
// from 1 to 64 except the core-dumping ones (which it must inspect) and SIGKILL/SIGSTOP (which
// cannot be intercepted or are the tracer's business). Writes them to `out` (room for 64) and
// returns how many.
int pass_through_signals(int* out, int capacity) noexcept;

// "SIGSEGV", "SIGRT3" (kernel numbering: signal 35), or "signal 99".
std::string signal_name(int sig);

}  // namespace rspstub::platform
