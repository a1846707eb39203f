#include "platform/fatal_signal.hpp"

#include <csignal>
#include <string>

namespace rspstub::platform {
namespace {

constexpr int kMaxSignal = 64;

bool bit(std::uint64_t mask, int sig) noexcept {
  return sig >= 1 && sig <= kMaxSignal && ((mask >> (sig - 1)) & 1U) != 0;
}

}  // namespace

bool SignalDisposition::catches(int sig) const noexcept { return bit(caught, sig); }
bool SignalDisposition::ignores(int sig) const noexcept { return bit(ignored, sig); }

bool default_action_dumps_core(int sig) noexcept {
  switch (sig) {
    case SIGQUIT:
    case SIGILL:
    case SIGTRAP:
    case SIGABRT:
    case SIGBUS:
    case SIGFPE:
    case SIGSEGV:
    case SIGXCPU:
    case SIGXFSZ:
    case SIGSYS: return true;
    default: return false;
  }
}

bool is_fatal(int sig, const SignalDisposition& disposition) noexcept {
  return default_action_dumps_core(sig) && !disposition.catches(sig) && !disposition.ignores(sig);
}

int pass_through_signals(int* out, int capacity) noexcept {
  int n = 0;
  for (int sig = 1; sig <= kMaxSignal && n < capacity; ++sig) {
    if (default_action_dumps_core(sig) || sig == SIGKILL || sig == SIGSTOP) continue;
    // 32 and 33 are glibc's internal real-time signals (thread cancellation, setxid): pass too.
    out[n++] = sig;
  }
  return n;
}

std::string signal_name(int sig) {
  switch (sig) {
    case SIGHUP: return "SIGHUP";
    case SIGINT: return "SIGINT";
    case SIGQUIT: return "SIGQUIT";
    case SIGILL: return "SIGILL";
    case SIGTRAP: return "SIGTRAP";
    case SIGABRT: return "SIGABRT";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGKILL: return "SIGKILL";
    case SIGUSR1: return "SIGUSR1";
    case SIGSEGV: return "SIGSEGV";
    case SIGUSR2: return "SIGUSR2";
    case SIGPIPE: return "SIGPIPE";
    case SIGALRM: return "SIGALRM";
    case SIGTERM: return "SIGTERM";
    case SIGCHLD: return "SIGCHLD";
    case SIGCONT: return "SIGCONT";
    case SIGSTOP: return "SIGSTOP";
    case SIGTSTP: return "SIGTSTP";
    case SIGTTIN: return "SIGTTIN";
    case SIGTTOU: return "SIGTTOU";
    case SIGURG: return "SIGURG";
    case SIGXCPU: return "SIGXCPU";
    case SIGXFSZ: return "SIGXFSZ";
    case SIGVTALRM: return "SIGVTALRM";
    case SIGPROF: return "SIGPROF";
    case SIGWINCH: return "SIGWINCH";
    case SIGIO: return "SIGIO";
    case SIGPWR: return "SIGPWR";
    case SIGSYS: return "SIGSYS";
#ifdef SIGSTKFLT
    case SIGSTKFLT: return "SIGSTKFLT";
#endif
    default: break;
  }
  // The kernel's real-time range starts at 32 (glibc keeps 32 and 33 for itself).
  if (sig >= 32 && sig <= kMaxSignal) return "SIGRT" + std::to_string(sig - 32);
  return "signal " + std::to_string(sig);
}

}  // namespace rspstub::platform
