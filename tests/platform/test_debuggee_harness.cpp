#include "test_debuggee_harness.hpp"

#include <boost/test/unit_test.hpp>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

namespace rspstub::test {

using platform::Error;

const char* target_path() { return RSPSTUB_DEBUGGEE_TARGET; }

std::uint64_t target_symbol(const std::string& name) {
  static std::map<std::string, std::uint64_t> symbols;
  if (symbols.empty()) {
    const std::string cmd = std::string(RSPSTUB_NM) + " " + target_path();
    FILE* p = ::popen(cmd.c_str(), "r");
    BOOST_REQUIRE_MESSAGE(p, "cannot run nm");
    char line[512];
    while (std::fgets(line, sizeof line, p)) {
      std::istringstream in(line);
      std::string addr, type, sym;
      if (in >> addr >> type >> sym) symbols[sym] = std::stoull(addr, nullptr, 16);
    }
    ::pclose(p);
  }
  const auto it = symbols.find(name);
  BOOST_REQUIRE_MESSAGE(it != symbols.end(), "symbol " << name << " not in the target");
  return it->second;
}

std::unique_ptr<platform::Debuggee> launch_target(const std::string& mode, bool use_shell) {
  platform::LaunchSpec spec;
  spec.argv = {target_path(), mode};
  spec.use_shell = use_shell;
  std::string message;
  auto d = platform::launch(spec, message);
  BOOST_REQUIRE_MESSAGE(d.ok(), "launch failed: " << message);
  return std::move(*d);
}

std::optional<platform::StopEvent> wait_event(platform::Debuggee& d,
                                              std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto ev = d.poll_event()) return ev;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return std::nullopt;
}

Error continue_all(platform::Debuggee& d, int signal) {
  platform::ResumeAction actions[2];
  actions[0].tid = d.pid();
  actions[0].signal = signal;
  actions[1].tid = -1;
  return d.resume(actions);
}

std::optional<platform::StopEvent> run_to_event(platform::Debuggee& d) {
  BOOST_REQUIRE((continue_all(d) == Error::none));
  auto ev = wait_event(d);
  BOOST_REQUIRE_MESSAGE(ev, "no event within the deadline");
  return ev;
}

std::uint64_t pc_of(platform::Debuggee& d, int tid) {
  auto regs = d.registers(tid);
  BOOST_REQUIRE(regs.ok());
  BOOST_REQUIRE(regs->valid.test(platform::x86_64::rip));
  return regs->get_u64(platform::x86_64::rip);
}

std::uint64_t read_u64(platform::Debuggee& d, std::uint64_t addr) {
  std::uint64_t v = 0;
  const auto r = d.read_memory(addr, std::as_writable_bytes(std::span(&v, 1)));
  BOOST_REQUIRE(r.bytes == sizeof v);
  return v;
}

char thread_state(int pid, int tid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/task/" + std::to_string(tid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto paren = text.rfind(')');
  if (paren == std::string::npos || paren + 2 >= text.size()) return 0;
  return text[paren + 2];
}

}  // namespace rspstub::test
