#include "platform/signals.hpp"

#include <csignal>

#include "platform/signal_numbers.hpp"

namespace rspstub::platform {

#if defined(__linux__)
// The interface's numbers are Linux's own: the Linux backend passes signals through unchanged.
static_assert(posix_signal::int_ == SIGINT && posix_signal::trap == SIGTRAP &&
              posix_signal::kill == SIGKILL && posix_signal::segv == SIGSEGV &&
              posix_signal::stop == SIGSTOP && posix_signal::chld == SIGCHLD &&
              posix_signal::usr1 == SIGUSR1 && posix_signal::sys == SIGSYS &&
              posix_signal::bus == SIGBUS && posix_signal::pwr == SIGPWR);
#endif

std::vector<int> termination_signals() {
  std::vector<int> s{SIGINT, SIGTERM};
#if defined(SIGHUP)
  s.push_back(SIGHUP);
#endif
  return s;
}

void ignore_broken_pipe_signal() noexcept {
#if defined(SIGPIPE)
  std::signal(SIGPIPE, SIG_IGN);
#endif
}

}  // namespace rspstub::platform
