// rspstub --on-failure's platform half on Windows: there are no POSIX signal dispositions and no
// libdwfl here. Both answer not_supported (the launcher then reports without them).
#include "platform/backtrace.hpp"
#include "platform/signal_disposition.hpp"

namespace rspstub::platform {

Result<SignalDisposition> signal_disposition(int) { return Error::not_supported; }

Result<std::vector<ThreadBacktrace>> backtrace_all_threads(int, std::span<const int>) {
  return Error::not_supported;
}

}  // namespace rspstub::platform
