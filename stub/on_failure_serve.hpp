// The waiting half of rspstub --on-failure: serve the failed, stopped process to one debugger
// with the normal server (full process control), if one arrives within --wait seconds.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "platform/debuggee.hpp"
#include "stub/log.hpp"
#include "stub/options.hpp"

namespace rspstub::stub {

struct ServeOutcome {
  enum class Kind {
    no_debugger,    // nobody connected within --wait seconds; the process is still stopped
    debugger_left,  // a debugger connected and has left, or the process ended meanwhile (it
                    // may still be stopped, or gone: see end_status)
    cannot_listen,  // the address could not be bound (message says why); still stopped
    interrupted,    // rspstub got SIGINT/SIGTERM/SIGHUP (signal says which)
  };
  Kind kind = Kind::no_debugger;
  std::string message;
  int signal = 0;
  // The program ended while served (a debugger let it run to its end): its exit status, or
  // 128 + the signal that killed it. nullopt when it did not end, or the debugger killed it.
  std::optional<int> end_status;
};

// Listens on opt's address, calls `listening(where)` once bound (to print the line with the
// real address, e.g. the port picked for port 0), then serves `stopped` (whose last stop is
// `stop`) to the first debugger to connect within opt.wait_seconds, until it leaves.
ServeOutcome serve_failed_process(platform::Debuggee& stopped, const platform::StopEvent& stop,
                                  const Options& opt, Logger& log,
                                  const std::function<void(const std::string& where)>& listening);

}  // namespace rspstub::stub
