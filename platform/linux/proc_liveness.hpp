// Whether a process still exists as something that can be inspected. Used on error paths only,
// to tell "the process has gone" from other failures.
#pragma once

#include <string_view>

namespace rspstub::platform::linux_backend {

// Pure. The state letter of a /proc/PID/stat line ("pid (comm) S ..."), or 0 if malformed.
// comm may itself contain ") ", so the state follows the last ')'.
char state_from_stat(std::string_view stat) noexcept;

// False if the pid does not exist or is a zombie (exited, memory released, not yet reaped).
// Does not allocate.
bool process_exists(int pid) noexcept;

}  // namespace rspstub::platform::linux_backend
