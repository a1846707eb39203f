#include "stub/process_source.hpp"

namespace rspstub::stub {

platform::Result<std::unique_ptr<platform::Debuggee>> HostProcessSource::launch(
    const platform::LaunchSpec& spec, std::string& message) {
  return platform::launch(spec, message);
}

platform::Result<std::unique_ptr<platform::Debuggee>> HostProcessSource::attach(int pid) {
  return platform::attach_and_stop(pid);
}

}  // namespace rspstub::stub
