#include "platform/windows/win32_error_map.hpp"

#include <windows.h>

namespace rspstub::platform::windows_backend {

Error error_from_win32(std::uint32_t code) noexcept {
  switch (code) {
    case ERROR_PARTIAL_COPY:     // 299: ReadProcessMemory crossed into an inaccessible page
    case ERROR_NOACCESS:         // 998: nothing readable at the address
    case ERROR_INVALID_ADDRESS:  // 487: VirtualProtectEx/VirtualQueryEx on no allocation
      return Error::no_memory;
    case ERROR_ACCESS_DENIED:
    case ERROR_PRIVILEGE_NOT_HELD:
      return Error::permission;
    case ERROR_PROCESS_ABORTED:  // the process is being torn down
      return Error::process_gone;
    case ERROR_INVALID_PARAMETER:
      return Error::invalid_argument;
    case ERROR_NOT_SUPPORTED:
    case ERROR_CALL_NOT_IMPLEMENTED:
      return Error::not_supported;
    default:
      return Error::io_error;
  }
}

Error open_process_error(std::uint32_t code) noexcept {
  if (code == ERROR_INVALID_PARAMETER) return Error::process_gone;
  return error_from_win32(code);
}

}  // namespace rspstub::platform::windows_backend
