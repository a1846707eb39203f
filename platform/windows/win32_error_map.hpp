// Win32 error codes (GetLastError) -> platform::Error: the Windows backend's one mapping of
// native failure codes (see design/platforms.md for the table across operating systems).
#pragma once

#include <cstdint>

#include "platform/result.hpp"

namespace rspstub::platform::windows_backend {

// Pure. The general mapping: ERROR_ACCESS_DENIED -> permission, ERROR_PARTIAL_COPY /
// ERROR_NOACCESS / ERROR_INVALID_ADDRESS -> no_memory, ERROR_INVALID_PARAMETER ->
// invalid_argument, ... anything unknown (and 0) -> io_error.
Error error_from_win32(std::uint32_t code) noexcept;

// Pure. For OpenProcess: it reports a pid that names no process (never existed, or exited and
// fully released) as ERROR_INVALID_PARAMETER, which here means process_gone.
Error open_process_error(std::uint32_t code) noexcept;

}  // namespace rspstub::platform::windows_backend
