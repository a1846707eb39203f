// Reading a process's signal disposition (which signals it handles or ignores), to decide at a
// signal stop whether the signal will kill it (platform/fatal_signal.hpp).
#pragma once

#include <optional>
#include <string_view>

#include "platform/fatal_signal.hpp"
#include "platform/result.hpp"

namespace rspstub::platform {

// The disposition of process `pid` now. process_gone if it has gone, not_supported on an OS
// without a backend for it.
Result<SignalDisposition> signal_disposition(int pid);

// Pure: the SigCgt and SigIgn lines of a Linux /proc/PID/status text (16 hex digits each).
// nullopt if either is missing or malformed.
std::optional<SignalDisposition> parse_signal_disposition(std::string_view status_text);

}  // namespace rspstub::platform
