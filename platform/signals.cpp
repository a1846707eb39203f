#include "platform/signals.hpp"

#include <csignal>

namespace rspstub::platform {

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
