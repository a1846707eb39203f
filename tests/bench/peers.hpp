// The processes under test: the target holding the pattern buffer, and the stubs serving it
// (rspstub, gdbserver, lldb-server), each started on a free loopback port.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "process.hpp"

namespace bench {

struct Buffer {
  std::uint64_t address = 0;
  std::uint64_t size = 0;
};

// A fresh target process: started, buffer filled and published, killed with this object.
class Target {
 public:
  Target(const std::string& exe, std::uint64_t size, const std::string& workdir);
  pid_t pid() const { return child_.pid(); }
  const Buffer& buffer() const { return buffer_; }

 private:
  std::string info_path_;
  Child child_;
  Buffer buffer_;
};

// A stub to measure: its name and executable, or why it is skipped.
struct StubSpec {
  std::string name;                // "rspstub", "gdbserver", "lldb-server"
  std::optional<std::string> exe;  // absent: skipped
  std::string skip_note;
};

// Finds the executable for each named stub; unknown names throw std::invalid_argument.
std::vector<StubSpec> resolve_stubs(const std::vector<std::string>& names,
                                    const std::string& rspstub_path);

// The command line that makes `spec` serve process `pid` on 127.0.0.1:port.
std::vector<std::string> stub_command(const StubSpec& spec, std::uint16_t port, pid_t pid);

// A stub attached to a target and listening; killed with this object.
class RunningStub {
 public:
  RunningStub(const StubSpec& spec, pid_t target, const std::string& log_path);
  std::uint16_t port() const { return port_; }
  pid_t pid() const { return child_->pid(); }

 private:
  std::uint16_t port_ = 0;
  std::optional<Child> child_;
};

}  // namespace bench
