// errno -> platform::Error: the Linux backend's one mapping of native failure codes.
#pragma once

#include "platform/result.hpp"

namespace rspstub::platform::linux_backend {

// Pure. 0 (a failure with no errno, e.g. an unexpected end of file) maps to io_error.
// ENOENT maps to process_gone: under /proc/PID it means the process (or thread) has gone;
// callers that know better (a thread's file) refine it.
Error error_from_errno(int err) noexcept;

}  // namespace rspstub::platform::linux_backend
