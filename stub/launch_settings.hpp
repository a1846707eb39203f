// How the next program a client runs (vRun) is started: its environment, working directory,
// whether through a shell, whether with address randomization off. Set by gdb's
// QEnvironmentHexEncoded/QEnvironmentUnset/QEnvironmentReset, QSetWorkingDir, QStartupWithShell,
// QDisableRandomization and lldb's QEnvironment/QSetDisableASLR; kept by the server across
// connections (gdb sends them again before each run anyway).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "platform/debuggee.hpp"

namespace rspstub::stub {

class LaunchSettings {
 public:
  // NAME=value replaces any earlier NAME.
  void set_variable(std::string_view assignment);
  void unset_variable(std::string_view name);
  // Back to the stub's own environment.
  void reset_environment() { environment_.reset(); }

  void set_working_dir(std::string dir) { working_dir_ = std::move(dir); }
  void set_startup_with_shell(bool on) noexcept { shell_ = on; }
  void set_disable_aslr(bool on) noexcept { disable_aslr_ = on; }

  const std::string& working_dir() const noexcept { return working_dir_; }
  bool startup_with_shell() const noexcept { return shell_; }
  bool disable_aslr() const noexcept { return disable_aslr_; }
  // nullopt: untouched (the stub's own environment).
  const std::optional<std::vector<std::string>>& environment() const noexcept {
    return environment_;
  }

  platform::LaunchSpec spec_for(std::vector<std::string> argv) const;

 private:
  std::vector<std::string>& edited_environment();

  std::optional<std::vector<std::string>> environment_;
  std::string working_dir_;      // empty: the stub's
  bool shell_ = false;           // off unless a client asks (gdb does, by default)
  bool disable_aslr_ = false;    // off unless a client asks (gdb and lldb do, by default)
};

}  // namespace rspstub::stub
