#include "peers.hpp"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <thread>

namespace bench {
namespace {

using namespace std::chrono_literals;

std::string info_path_for(const std::string& workdir) {
  static int counter = 0;
  return workdir + "/target-" + std::to_string(++counter) + ".info";
}

std::optional<Buffer> parse_info(const std::string& text) {
  unsigned long long address = 0, size = 0;
  if (std::sscanf(text.c_str(), "buffer=0x%llx size=%llu", &address, &size) != 2)
    return std::nullopt;
  return Buffer{address, size};
}

}  // namespace

Target::Target(const std::string& exe, std::uint64_t size, const std::string& workdir)
    : info_path_(info_path_for(workdir)),
      child_({exe, std::to_string(size), info_path_}, workdir + "/target.log") {
  // Filling takes about a second per GiB; allow plenty.
  auto deadline = std::chrono::steady_clock::now() + 60s + std::chrono::seconds(size >> 28);
  while (std::chrono::steady_clock::now() < deadline) {
    if (::access(info_path_.c_str(), R_OK) == 0) {
      if (auto info = parse_info(read_text_file(info_path_))) {
        buffer_ = *info;
        return;
      }
      throw std::runtime_error("unreadable target info file " + info_path_);
    }
    if (!child_.running())
      throw std::runtime_error("the target exited early:\n" +
                               tail_of_file(workdir + "/target.log"));
    std::this_thread::sleep_for(5ms);
  }
  throw std::runtime_error("the target did not publish its buffer in time");
}

std::vector<StubSpec> resolve_stubs(const std::vector<std::string>& names,
                                    const std::string& rspstub_path) {
  std::vector<StubSpec> specs;
  for (const auto& name : names) {
    StubSpec spec{name, std::nullopt, {}};
    if (name == "rspstub") {
      if (::access(rspstub_path.c_str(), X_OK) == 0) {
        spec.exe = rspstub_path;
      } else {
        spec.skip_note = "rspstub not built (looked for " + rspstub_path +
                         "; build the rspstub target or pass --rspstub PATH)";
      }
    } else if (name == "gdbserver" || name == "lldb-server") {
      const char* program = name == "gdbserver" ? "gdbserver" : "lldb-server-19";
      spec.exe = find_in_path(program);
      if (!spec.exe) spec.skip_note = std::string(program) + " is not installed";
    } else {
      throw std::invalid_argument("unknown stub '" + name +
                                  "' (known: rspstub, gdbserver, lldb-server)");
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<std::string> stub_command(const StubSpec& spec, std::uint16_t port, pid_t pid) {
  const std::string where = "127.0.0.1:" + std::to_string(port);
  const std::string target = std::to_string(pid);
  if (spec.name == "gdbserver") return {*spec.exe, "--attach", where, target};
  if (spec.name == "lldb-server") return {*spec.exe, "gdbserver", where, "--attach", target};
  // As the peers: attach, stopping the target (all-stop), so the clients get its registers.
  return {*spec.exe, "--attach", target, where};
}

RunningStub::RunningStub(const StubSpec& spec, pid_t target, const std::string& log_path) {
  // A port picked free can be taken by someone else before the stub binds it: retry.
  for (int attempt = 0; attempt < 3; ++attempt) {
    port_ = free_loopback_port();
    child_.emplace(stub_command(spec, port_, target), log_path);
    if (wait_until_listening(port_, *child_, 20s)) return;
    child_.reset();
  }
  throw std::runtime_error(spec.name + " did not start listening; its log:\n" +
                           tail_of_file(log_path));
}

}  // namespace bench
