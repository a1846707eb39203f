#include "platform/fatal_signal.hpp"

#include <string>

#include "platform/signal_numbers.hpp"

namespace rspstub::platform {
namespace {

namespace ps = posix_signal;

constexpr int kMaxSignal = 64;

bool bit(std::uint64_t mask, int sig) noexcept {
  return sig >= 1 && sig <= kMaxSignal && ((mask >> (sig - 1)) & 1U) != 0;
}

}  // namespace

bool SignalDisposition::catches(int sig) const noexcept { return bit(caught, sig); }
bool SignalDisposition::ignores(int sig) const noexcept { return bit(ignored, sig); }

bool default_action_dumps_core(int sig) noexcept {
  switch (sig) {
    case ps::quit:
    case ps::ill:
    case ps::trap:
    case ps::abrt:
    case ps::bus:
    case ps::fpe:
    case ps::segv:
    case ps::xcpu:
    case ps::xfsz:
    case ps::sys: return true;
    default: return false;
  }
}

bool is_fatal(int sig, const SignalDisposition& disposition) noexcept {
  return default_action_dumps_core(sig) && !disposition.catches(sig) && !disposition.ignores(sig);
}

int pass_through_signals(int* out, int capacity) noexcept {
  int n = 0;
  for (int sig = 1; sig <= kMaxSignal && n < capacity; ++sig) {
    if (default_action_dumps_core(sig) || sig == ps::kill || sig == ps::stop) continue;
    // 32 and 33 are glibc's internal real-time signals (thread cancellation, setxid): pass too.
    out[n++] = sig;
  }
  return n;
}

std::string signal_name(int sig) {
  switch (sig) {
    case ps::hup: return "SIGHUP";
    case ps::int_: return "SIGINT";
    case ps::quit: return "SIGQUIT";
    case ps::ill: return "SIGILL";
    case ps::trap: return "SIGTRAP";
    case ps::abrt: return "SIGABRT";
    case ps::bus: return "SIGBUS";
    case ps::fpe: return "SIGFPE";
    case ps::kill: return "SIGKILL";
    case ps::usr1: return "SIGUSR1";
    case ps::segv: return "SIGSEGV";
    case ps::usr2: return "SIGUSR2";
    case ps::pipe: return "SIGPIPE";
    case ps::alrm: return "SIGALRM";
    case ps::term: return "SIGTERM";
    case ps::chld: return "SIGCHLD";
    case ps::cont: return "SIGCONT";
    case ps::stop: return "SIGSTOP";
    case ps::tstp: return "SIGTSTP";
    case ps::ttin: return "SIGTTIN";
    case ps::ttou: return "SIGTTOU";
    case ps::urg: return "SIGURG";
    case ps::xcpu: return "SIGXCPU";
    case ps::xfsz: return "SIGXFSZ";
    case ps::vtalrm: return "SIGVTALRM";
    case ps::prof: return "SIGPROF";
    case ps::winch: return "SIGWINCH";
    case ps::io: return "SIGIO";
    case ps::pwr: return "SIGPWR";
    case ps::sys: return "SIGSYS";
    case ps::stkflt: return "SIGSTKFLT";
    default: break;
  }
  // The kernel's real-time range starts at 32 (glibc keeps 32 and 33 for itself).
  if (sig >= 32 && sig <= kMaxSignal) return "SIGRT" + std::to_string(sig - 32);
  return "signal " + std::to_string(sig);
}

}  // namespace rspstub::platform
