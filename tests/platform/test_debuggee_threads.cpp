// Debuggee: several threads (listed, all stopped together, breakpoints hit by any of them), and
// attach_and_stop on a running multi-threaded process.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "test_debuggee_harness.hpp"

using rspstub::platform::BreakpointType;
using rspstub::platform::Error;
using rspstub::platform::StopEvent;
using rspstub::platform::StopReason;
using namespace rspstub::test;

namespace {

// Every listed thread is in a tracing stop ('t') as /proc sees it.
void check_all_stopped(platform::Debuggee& d, const std::vector<int>& tids) {
  for (int tid : tids) BOOST_TEST(thread_state(d.pid(), tid) == 't', "thread " << tid);
}

// Forks and execs the target (not traced) in `mode`; the caller owns the pid.
pid_t spawn_untraced(const char* mode) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execl(target_path(), target_path(), mode, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  return pid;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(debuggee_threads)

BOOST_AUTO_TEST_CASE(threads_are_listed_and_all_stop_at_a_breakpoint) {
  auto d = launch_target("threads");
  const std::uint64_t thread_work = target_symbol("thread_work");
  BOOST_REQUIRE((d->insert_breakpoint(BreakpointType::software, thread_work, 1) == Error::none));
  std::vector<int> hitters;
  for (int round = 0; round < 6; ++round) {
    auto ev = run_to_event(*d);
    BOOST_REQUIRE((ev->kind == StopEvent::Kind::stopped));
    BOOST_REQUIRE((ev->reason == StopReason::breakpoint));
    BOOST_TEST(ev->tid != d->pid());  // only the workers call thread_work
    BOOST_TEST(pc_of(*d, ev->tid) == thread_work);
    hitters.push_back(ev->tid);
    auto tids = d->threads();
    BOOST_REQUIRE(tids.ok());
    BOOST_TEST(tids->front() == d->pid());
    BOOST_TEST(std::count(tids->begin(), tids->end(), ev->tid) == 1);
    check_all_stopped(*d, *tids);
    // The set of threads matches the kernel's.
    auto name = d->thread_name(ev->tid);
    BOOST_TEST(name.ok());
  }
  auto tids = d->threads();
  BOOST_TEST(tids->size() == 4u);
  std::sort(hitters.begin(), hitters.end());
  hitters.erase(std::unique(hitters.begin(), hitters.end()), hitters.end());
  BOOST_TEST_MESSAGE(hitters.size() << " different threads hit the breakpoint");
  // The counters of the workers only advance while running.
  const std::uint64_t counts = target_symbol("thread_counts");
  const std::uint64_t c0 = read_u64(*d, counts);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST(read_u64(*d, counts) == c0);
  BOOST_TEST((d->remove_breakpoint(BreakpointType::software, thread_work, 1) == Error::none));
  BOOST_REQUIRE((continue_all(*d) == Error::none));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  BOOST_REQUIRE((d->interrupt() == Error::none));
  auto ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  // Seen once in CI (a clean clone on a loaded 2-core VM), not reproduced in 35 runs since:
  // say what the stop was if it happens again.
  BOOST_TEST((ev->reason == StopReason::interrupt),
             "stop after interrupt: reason " << static_cast<int>(ev->reason) << ", signal "
                                             << ev->signal << ", thread " << ev->tid
                                             << (ev->tid == d->pid() ? " (main)" : ""));
  check_all_stopped(*d, *d->threads());
  BOOST_TEST(read_u64(*d, counts) > c0);
}

BOOST_AUTO_TEST_CASE(attach_and_stop_a_running_multithreaded_process) {
  const pid_t pid = spawn_untraced("threads");
  BOOST_REQUIRE(pid > 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // let it start its threads
  {
    auto attached = platform::attach_and_stop(pid);
    BOOST_REQUIRE(attached.ok());
    auto& d = **attached;
    BOOST_TEST(d.stopped());
    auto tids = d.threads();
    BOOST_REQUIRE(tids.ok());
    BOOST_TEST(tids->size() == 4u);
    BOOST_TEST(tids->front() == pid);
    check_all_stopped(d, *tids);
    const std::uint64_t counter = target_symbol("counter");
    const std::uint64_t n = read_u64(d, counter);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    BOOST_TEST(read_u64(d, counter) == n);
    // A breakpoint while attached works as when launched.
    BOOST_REQUIRE((d.insert_breakpoint(BreakpointType::software, target_symbol("thread_work"), 1) ==
                   Error::none));
    auto ev = run_to_event(d);
    BOOST_TEST((ev->reason == StopReason::breakpoint));
    BOOST_TEST((d.detach() == Error::none));
  }
  // Detached (also by destruction): it runs on, breakpoint gone.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(::kill(pid, 0) == 0);
  char state = thread_state(pid, pid);
  BOOST_TEST((state == 'S' || state == 'R'));
  ::kill(pid, SIGKILL);
  int status = 0;
  BOOST_TEST(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST(WIFSIGNALED(status));  // killed by us: it did not crash on a left-over int3
  BOOST_TEST(WTERMSIG(status) == SIGKILL);
}

BOOST_AUTO_TEST_CASE(attach_errors) {
  BOOST_TEST((platform::attach_and_stop(0).error() == Error::invalid_argument));
  const pid_t pid = spawn_untraced("exit42");
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST((platform::attach_and_stop(pid).error() == Error::process_gone));
}

BOOST_AUTO_TEST_SUITE_END()
