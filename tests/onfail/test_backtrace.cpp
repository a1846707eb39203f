// platform::backtrace_all_threads on a child this test stops itself: the child traces itself
// (PTRACE_TRACEME) and stops with SIGSTOP inside two functions with known names, in this file.
#include <boost/test/unit_test.hpp>

#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include "platform/backtrace.hpp"

using namespace rspstub::platform;

extern "C" __attribute__((noinline)) void onfail_test_stop_here() {
  raise(SIGSTOP);
  asm volatile("" ::: "memory");  // no tail call: this frame must stay on the stack
}

extern "C" __attribute__((noinline)) void onfail_test_outer() {
  onfail_test_stop_here();
  asm volatile("" ::: "memory");
}

namespace {

// A forked child stopped in onfail_test_stop_here, traced by this process; killed at the end.
struct StoppedChild {
  pid_t pid = -1;
  StoppedChild() {
    pid = fork();
    if (pid == 0) {
      ptrace(PTRACE_TRACEME, 0, nullptr, nullptr);
      onfail_test_outer();
      _exit(0);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status)) pid = -1;
  }
  ~StoppedChild() {
    if (pid > 0) {
      kill(pid, SIGKILL);
      int status = 0;
      waitpid(pid, &status, 0);
    }
  }
};

int index_of(const ThreadBacktrace& t, const std::string& function) {
  for (std::size_t i = 0; i < t.frames.size(); ++i)
    if (t.frames[i].function == function) return static_cast<int>(i);
  return -1;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(backtrace)

BOOST_AUTO_TEST_CASE(names_lines_and_order) {
  StoppedChild child;
  BOOST_TEST_REQUIRE(child.pid > 0);
  const int tids[] = {child.pid};
  auto traces = backtrace_all_threads(child.pid, tids);
  BOOST_TEST_REQUIRE(traces.ok(), to_string(traces.error()));
  BOOST_TEST_REQUIRE(traces->size() == 1u);
  const ThreadBacktrace& t = traces->front();
  BOOST_TEST(t.tid == child.pid);
  const int inner = index_of(t, "onfail_test_stop_here");
  const int outer = index_of(t, "onfail_test_outer");
  BOOST_TEST_REQUIRE(inner >= 0);
  BOOST_TEST(outer == inner + 1);
  // Unwinding went all the way down (main itself may be a tail call into Boost.Test's runner).
  BOOST_TEST(t.frames.back().function == "_start");
  // The frames below raise() are from this test's own executable, with file:line from DWARF.
  const BacktraceFrame& f = t.frames[static_cast<std::size_t>(inner)];
  BOOST_TEST(f.module.find("onfail_unit_tests") != std::string::npos, f.module);
  BOOST_TEST(f.file.find("test_backtrace.cpp") != std::string::npos, f.file);
  BOOST_TEST(f.line > 0);
  BOOST_TEST(f.pc != 0u);
  BOOST_TEST(f.offset > 0u);  // a return address inside the function, not its start
  // The child is still stopped afterwards (dwfl neither detached nor resumed it).
  int status = 0;
  BOOST_TEST(waitpid(child.pid, &status, WNOHANG) == 0);
}

BOOST_AUTO_TEST_CASE(bad_pid) {
  const int tids[] = {1};
  BOOST_TEST((backtrace_all_threads(0, tids).error() == Error::invalid_argument));
  BOOST_TEST((backtrace_all_threads(0x7ffffff0, tids).error() == Error::process_gone));
}

BOOST_AUTO_TEST_CASE(thread_not_ours_is_reported_not_crashed) {
  StoppedChild child;
  BOOST_TEST_REQUIRE(child.pid > 0);
  const int tids[] = {child.pid, 0x7ffffff0};  // the second is nobody's thread
  auto traces = backtrace_all_threads(child.pid, tids);
  BOOST_TEST_REQUIRE(traces.ok());
  BOOST_TEST_REQUIRE(traces->size() == 2u);
  BOOST_TEST(!(*traces)[0].frames.empty());
  BOOST_TEST((*traces)[1].frames.empty());
  BOOST_TEST(!(*traces)[1].error.empty());
}

BOOST_AUTO_TEST_SUITE_END()
