// Debuggee: launching (entry stop, exec failures, the shell), running to the end, detach, kill.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/auxv.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <thread>

#include "test_debuggee_harness.hpp"

namespace reg = rspstub::platform::x86_64;
using rspstub::platform::Error;
using rspstub::platform::StopEvent;
using rspstub::platform::StopReason;
using namespace rspstub::test;

namespace {

// AT_ENTRY of the auxiliary vector: the program's entry point.
std::uint64_t auxv_value(platform::Debuggee& d, std::uint64_t type) {
  auto raw = d.auxv();
  BOOST_REQUIRE(raw.ok());
  for (std::size_t i = 0; i + 16 <= raw->size(); i += 16) {
    std::uint64_t k = 0, v = 0;
    std::memcpy(&k, raw->data() + i, 8);
    std::memcpy(&v, raw->data() + i + 8, 8);
    if (k == type) return v;
  }
  return 0;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(debuggee_launch)

BOOST_AUTO_TEST_CASE(launch_stops_at_the_loader_entry) {
  auto d = launch_target("exit42");
  BOOST_TEST(d->stopped());
  BOOST_TEST(d->alive());
  auto threads = d->threads();
  BOOST_REQUIRE(threads.ok());
  BOOST_TEST(threads->size() == 1u);
  BOOST_TEST(threads->front() == d->pid());
  // The first instruction to run is the dynamic loader's (AT_BASE + its entry), not main's:
  // the PC is inside the interpreter's mapping, and nothing of the program has run yet.
  const std::uint64_t pc = pc_of(*d, d->pid());
  const std::uint64_t base = auxv_value(*d, AT_BASE);
  auto region = d->region_at(pc);
  BOOST_REQUIRE(region.ok());
  BOOST_TEST(region->executable);
  if (base != 0) BOOST_TEST(pc >= base);
  BOOST_TEST(pc != auxv_value(*d, AT_ENTRY));
  auto exe = d->executable_path();
  BOOST_REQUIRE(exe.ok());
  BOOST_TEST(exe->find("debuggee_target") != std::string::npos);
  // The initial stop is not a signal: there is no siginfo for it.
  BOOST_TEST((d->siginfo(d->pid()).error() == Error::not_supported));
  // Every register is known while stopped; the x87/SSE state is the power-on one.
  auto regs = d->registers(d->pid());
  BOOST_REQUIRE(regs.ok());
  BOOST_TEST(regs->valid.all());
  BOOST_TEST(regs->get_u64(reg::fctrl) == 0x37fu);
  BOOST_TEST(regs->get_u64(reg::mxcsr) == 0x1f80u);
  BOOST_TEST(regs->get_u64(reg::ftag) == 0xffffu);  // all eight x87 registers empty
  BOOST_TEST(regs->get_u64(reg::cs) == 0x33u);
}

BOOST_AUTO_TEST_CASE(run_to_exit_reports_the_exit_code) {
  auto d = launch_target("exit42");
  auto ev = run_to_event(*d);
  BOOST_TEST((ev->kind == StopEvent::Kind::exited));
  BOOST_TEST(ev->exit_code == 42);
  BOOST_TEST(ev->tid == d->pid());
  BOOST_TEST(!d->alive());
  BOOST_TEST(!d->poll_event().has_value());
  BOOST_TEST((d->threads().error() == Error::process_gone));
  BOOST_TEST((continue_all(*d) == Error::process_gone));
}

BOOST_AUTO_TEST_CASE(exec_failure_is_a_clear_message) {
  platform::LaunchSpec spec;
  spec.argv = {"/nonexistent/dir/prog"};
  std::string message;
  auto d = platform::launch(spec, message);
  BOOST_TEST((d.error() == Error::invalid_argument));
  BOOST_TEST(message == "cannot execute /nonexistent/dir/prog: No such file or directory");

  char plain[] = "/tmp/rspstub_not_executable_XXXXXX";  // exists, not executable
  const int fd = ::mkstemp(plain);
  BOOST_REQUIRE(fd >= 0);
  ::close(fd);
  spec.argv = {plain};
  d = platform::launch(spec, message);
  ::unlink(plain);
  BOOST_TEST((d.error() == Error::invalid_argument));
  BOOST_TEST(message == std::string("cannot execute ") + plain +
                            ": it is not executable (no execute permission)");

  spec.argv = {"/tmp"};  // EACCES from execve: say why
  d = platform::launch(spec, message);
  BOOST_TEST((d.error() == Error::invalid_argument));
  BOOST_TEST(message == "cannot execute /tmp: it is a directory");

  spec.argv = {target_path()};
  spec.working_dir = "/nonexistent/dir";
  d = platform::launch(spec, message);
  BOOST_TEST((d.error() == Error::invalid_argument));
  BOOST_TEST(message.find("cannot change to directory /nonexistent/dir") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(launch_through_the_shell_stops_in_the_program) {
  auto d = launch_target("exit42", /*use_shell=*/true);
  auto exe = d->executable_path();
  BOOST_REQUIRE(exe.ok());
  BOOST_TEST(exe->find("debuggee_target") != std::string::npos);  // not the shell
  auto ev = run_to_event(*d);
  BOOST_TEST((ev->kind == StopEvent::Kind::exited));
  BOOST_TEST(ev->exit_code == 42);  // the argument "exit42" went through the shell untouched
}

BOOST_AUTO_TEST_CASE(shell_that_cannot_run_the_program_is_reported) {
  platform::LaunchSpec spec;
  spec.argv = {"/nonexistent/dir/prog"};
  spec.use_shell = true;
  std::string message;
  auto d = platform::launch(spec, message);
  BOOST_TEST((d.error() == Error::invalid_argument));
  BOOST_TEST(message.find("cannot execute /nonexistent/dir/prog") != std::string::npos);
  BOOST_TEST_MESSAGE("shell failure: " << message);
}

BOOST_AUTO_TEST_CASE(environment_and_working_dir_reach_the_program) {
  platform::LaunchSpec spec;
  spec.argv = {target_path(), "exit42"};
  spec.env = std::vector<std::string>{"RSPSTUB_TEST_VAR=hello"};
  spec.working_dir = "/tmp";
  spec.disable_aslr = true;
  std::string message;
  auto d = platform::launch(spec, message);
  BOOST_REQUIRE_MESSAGE(d.ok(), message);
  const std::string proc = "/proc/" + std::to_string((*d)->pid());
  char cwd[256] = {};
  BOOST_REQUIRE(::readlink((proc + "/cwd").c_str(), cwd, sizeof cwd - 1) > 0);
  BOOST_TEST(std::string(cwd) == "/tmp");
  std::ifstream env_file(proc + "/environ");
  std::string env((std::istreambuf_iterator<char>(env_file)), std::istreambuf_iterator<char>());
  BOOST_TEST(env == std::string("RSPSTUB_TEST_VAR=hello") + '\0');
  std::ifstream personality_file(proc + "/personality");
  unsigned persona = 0;
  personality_file >> std::hex >> persona;
  BOOST_TEST((persona & 0x0040000u) != 0u);  // ADDR_NO_RANDOMIZE
}

BOOST_AUTO_TEST_CASE(detach_lets_the_process_finish) {
  auto d = launch_target("sleep");
  const int pid = d->pid();
  BOOST_REQUIRE((d->insert_breakpoint(platform::BreakpointType::software,
                                      target_symbol("hit_me"), 1) == Error::none));
  BOOST_TEST((d->detach() == Error::none));
  BOOST_TEST(!d->alive());
  BOOST_TEST((d->threads().error() == Error::process_gone));
  BOOST_TEST(::kill(pid, 0) == 0);  // still running without us
  d.reset();                        // destroying a detached Debuggee does not kill it
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFEXITED(status));
  BOOST_TEST(WEXITSTATUS(status) == 5);
}

BOOST_AUTO_TEST_CASE(kill_reaps_and_reports_nothing) {
  auto d = launch_target("loop");
  const int pid = d->pid();
  BOOST_REQUIRE((continue_all(*d) == Error::none));
  BOOST_TEST(!d->stopped());
  BOOST_TEST((d->kill() == Error::none));
  BOOST_TEST(!d->alive());
  BOOST_TEST(!d->poll_event().has_value());
  BOOST_TEST(::kill(pid, 0) == -1);  // reaped: no zombie left
}

BOOST_AUTO_TEST_CASE(destroying_a_launched_debuggee_kills_it) {
  int pid = 0;
  {
    auto d = launch_target("loop");
    pid = d->pid();
    BOOST_REQUIRE((continue_all(*d) == Error::none));
  }
  BOOST_TEST(::kill(pid, 0) == -1);
}

BOOST_AUTO_TEST_SUITE_END()
