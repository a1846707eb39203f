// launch() and attach_and_stop() on Windows: the Win32 Debug API (windows_debuggee.hpp).
#include "platform/debuggee.hpp"
#include "platform/windows/windows_debuggee.hpp"

namespace rspstub::platform {

Result<std::unique_ptr<Debuggee>> launch(const LaunchSpec& spec, std::string& message) {
  auto d = windows_backend::WindowsDebuggee::launch(spec, message);
  if (!d) return d.error();
  return std::unique_ptr<Debuggee>(std::move(*d));
}

Result<std::unique_ptr<Debuggee>> attach_and_stop(int pid) {
  auto d = windows_backend::WindowsDebuggee::attach(pid);
  if (!d) return d.error();
  return std::unique_ptr<Debuggee>(std::move(*d));
}

// Windows raises no signal for debug events: the stub polls poll_event() on a timer.
int debuggee_event_signal() noexcept { return 0; }

}  // namespace rspstub::platform
