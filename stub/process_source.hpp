// Where an extended-remote server gets its processes from (vRun, vAttach): the real OS, or in
// session tests a fake that hands out scripted debuggees.
#pragma once

#include <memory>
#include <string>

#include "platform/debuggee.hpp"

namespace rspstub::stub {

class ProcessSource {
 public:
  virtual ~ProcessSource() = default;
  // Starts `spec` stopped at its first instruction; on failure `message` says why.
  virtual platform::Result<std::unique_ptr<platform::Debuggee>> launch(
      const platform::LaunchSpec& spec, std::string& message) = 0;
  // Attaches to a running process and stops it.
  virtual platform::Result<std::unique_ptr<platform::Debuggee>> attach(int pid) = 0;
};

// platform::launch and platform::attach_and_stop.
class HostProcessSource final : public ProcessSource {
 public:
  platform::Result<std::unique_ptr<platform::Debuggee>> launch(const platform::LaunchSpec& spec,
                                                              std::string& message) override;
  platform::Result<std::unique_ptr<platform::Debuggee>> attach(int pid) override;
};

}  // namespace rspstub::stub
