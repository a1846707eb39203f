// Placeholder until the Win32 Debug API backend (CreateProcess with DEBUG_ONLY_THIS_PROCESS,
// WaitForDebugEvent, DebugActiveProcess) is built: process control fails with a clear message.
#include "platform/debuggee.hpp"

namespace rspstub::platform {

Result<std::unique_ptr<Debuggee>> launch(const LaunchSpec&, std::string& message) {
  message = "process control on Windows (the Win32 debug API) is not built yet";
  return Error::not_supported;
}

Result<std::unique_ptr<Debuggee>> attach_and_stop(int) { return Error::not_supported; }

// Windows raises no signal for debug events: they are waited for (WaitForDebugEvent).
int debuggee_event_signal() noexcept { return 0; }

}  // namespace rspstub::platform
