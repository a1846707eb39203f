// Placeholder until the ptrace backend lands: launching and stopping attach fail with a clear
// message, so the command line can already be wired to them.
#include <csignal>

#include "platform/debuggee.hpp"

namespace rspstub::platform {

Result<std::unique_ptr<Debuggee>> launch(const LaunchSpec&, std::string& message) {
  message = "process control (ptrace) is not built yet";
  return Error::not_supported;
}

Result<std::unique_ptr<Debuggee>> attach_and_stop(int) { return Error::not_supported; }

int debuggee_event_signal() noexcept { return SIGCHLD; }

}  // namespace rspstub::platform
