// Placeholder until the run-control server lands: serving a stopped process is not possible
// yet, so the launcher falls back to printing the backtrace.
#include "stub/on_failure_serve.hpp"

namespace rspstub::stub {

ServeOutcome serve_failed_process(platform::Debuggee&, const platform::StopEvent&, const Options&,
                                  Logger&, const std::function<void(const std::string&)>&) {
  ServeOutcome out;
  out.kind = ServeOutcome::Kind::cannot_listen;
  out.message = "serving a stopped process needs the run-control server (not built yet)";
  return out;
}

}  // namespace rspstub::stub
