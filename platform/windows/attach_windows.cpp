// attach_for_inspection() on Windows.
#include "platform/windows/windows_process.hpp"

namespace rspstub::platform {

Result<std::unique_ptr<Process>> attach_for_inspection(int pid) {
  auto p = windows_backend::WindowsProcess::attach(pid);
  if (!p) return p.error();
  return std::unique_ptr<Process>(std::move(*p));
}

}  // namespace rspstub::platform
