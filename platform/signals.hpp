// The signals the stub handles for itself, which differ between operating systems (Windows has
// no SIGHUP and no SIGPIPE).
#pragma once

#include <vector>

namespace rspstub::platform {

// The signals that ask the stub to exit cleanly: SIGINT, SIGTERM, and SIGHUP where it exists.
std::vector<int> termination_signals();

// Makes writing to a vanished peer an error code rather than a death (SIGPIPE ignored where
// it exists; Windows reports it as an error anyway).
void ignore_broken_pipe_signal() noexcept;

}  // namespace rspstub::platform
