// Debuggee: signals (faults with their siginfo, pass signals, delivery on resume), interrupt(),
// and a target killed from outside at awkward moments.
#include <boost/test/unit_test.hpp>

#include <signal.h>

#include <cstring>
#include <thread>

#include "test_debuggee_harness.hpp"

using rspstub::platform::BreakpointType;
using rspstub::platform::Error;
using rspstub::platform::ResumeAction;
using rspstub::platform::StopEvent;
using rspstub::platform::StopReason;
using namespace rspstub::test;

BOOST_AUTO_TEST_SUITE(debuggee_signals)

BOOST_AUTO_TEST_CASE(segv_is_reported_with_its_siginfo_then_kills) {
  auto d = launch_target("segv");
  auto ev = run_to_event(*d);
  BOOST_REQUIRE((ev->kind == StopEvent::Kind::stopped));
  BOOST_TEST(ev->signal == SIGSEGV);
  BOOST_TEST((ev->reason == StopReason::signal));
  auto info = d->siginfo(ev->tid);
  BOOST_REQUIRE(info.ok());
  BOOST_REQUIRE(info->size() == 128u);
  siginfo_t si;
  std::memcpy(&si, info->data(), sizeof si);
  BOOST_TEST(si.si_signo == SIGSEGV);
  BOOST_TEST(reinterpret_cast<std::uintptr_t>(si.si_addr) == 0x10u);
  // Not re-delivered unless asked: continuing without the signal faults again.
  ev = run_to_event(*d);
  BOOST_REQUIRE((ev->kind == StopEvent::Kind::stopped));
  BOOST_TEST(ev->signal == SIGSEGV);
  // Delivered: the process dies of it.
  BOOST_REQUIRE((continue_all(*d, SIGSEGV) == Error::none));
  ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_TEST((ev->kind == StopEvent::Kind::signalled));
  BOOST_TEST(ev->signal == SIGSEGV);
  BOOST_TEST(!d->alive());
}

BOOST_AUTO_TEST_CASE(pass_signals_go_through_without_a_stop) {
  auto d = launch_target("signals");
  const int pass[] = {SIGUSR1};
  d->set_pass_signals(pass);
  auto ev = run_to_event(*d);
  BOOST_TEST((ev->kind == StopEvent::Kind::exited));
  BOOST_TEST(ev->exit_code == 3);  // the handler ran three times
}

BOOST_AUTO_TEST_CASE(other_signals_stop_and_are_delivered_on_request) {
  auto d = launch_target("signals");
  const int pass[] = {SIGUSR2};
  d->set_pass_signals(pass);
  int stops = 0;
  auto ev = run_to_event(*d);
  while (ev && ev->kind == StopEvent::Kind::stopped && stops < 10) {
    BOOST_TEST(ev->signal == SIGUSR1);
    ++stops;
    // Deliver the first two, suppress the third.
    BOOST_REQUIRE((continue_all(*d, stops < 3 ? SIGUSR1 : 0) == Error::none));
    ev = wait_event(*d);
  }
  BOOST_REQUIRE(ev);
  BOOST_TEST(stops == 3);
  BOOST_TEST((ev->kind == StopEvent::Kind::exited));
  BOOST_TEST(ev->exit_code == 2);
}

BOOST_AUTO_TEST_CASE(interrupt_stops_a_running_loop) {
  auto d = launch_target("loop");
  BOOST_TEST((d->interrupt() == Error::none));  // harmless while stopped
  BOOST_TEST(!d->poll_event().has_value());
  BOOST_REQUIRE((continue_all(*d) == Error::none));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  BOOST_TEST(!d->poll_event().has_value());
  BOOST_TEST((d->interrupt() == Error::none));
  auto ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_REQUIRE((ev->kind == StopEvent::Kind::stopped));
  BOOST_TEST((ev->reason == StopReason::interrupt));
  BOOST_TEST(ev->signal == SIGINT);
  BOOST_TEST(d->stopped());
  const std::uint64_t counter = target_symbol("counter");
  const std::uint64_t n = read_u64(*d, counter);
  BOOST_TEST(n > 0u);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST(read_u64(*d, counter) == n);  // really stopped
  // And it runs on after a resume.
  BOOST_REQUIRE((continue_all(*d) == Error::none));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  BOOST_TEST((d->interrupt() == Error::none));
  ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_TEST((ev->reason == StopReason::interrupt));
  BOOST_TEST(read_u64(*d, counter) > n);
}

BOOST_AUTO_TEST_CASE(killed_from_outside_while_running) {
  auto d = launch_target("threads");
  BOOST_REQUIRE((continue_all(*d) == Error::none));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  BOOST_REQUIRE(::kill(d->pid(), SIGKILL) == 0);
  auto ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_TEST((ev->kind == StopEvent::Kind::signalled));
  BOOST_TEST(ev->signal == SIGKILL);
  BOOST_TEST(!d->alive());
  BOOST_TEST(!d->poll_event().has_value());
}

BOOST_AUTO_TEST_CASE(killed_from_outside_while_stopped_on_a_breakpoint_then_stepped) {
  auto d = launch_target("exit42");
  const std::uint64_t hit_me = target_symbol("hit_me");
  BOOST_REQUIRE((d->insert_breakpoint(BreakpointType::software, hit_me, 1) == Error::none));
  auto ev = run_to_event(*d);
  BOOST_REQUIRE((ev->reason == StopReason::breakpoint));
  BOOST_REQUIRE(::kill(d->pid(), SIGKILL) == 0);
  // The resume has to step over the breakpoint first: the step meets a dead process.
  ResumeAction step;
  step.tid = ev->tid;
  step.kind = ResumeAction::Kind::step;
  const Error e = d->resume(std::span(&step, 1));
  BOOST_TEST((e == Error::none || e == Error::process_gone));
  ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_TEST((ev->kind == StopEvent::Kind::signalled));
  BOOST_TEST(ev->signal == SIGKILL);
}

BOOST_AUTO_TEST_CASE(killed_from_outside_while_stopped) {
  auto d = launch_target("threads");
  BOOST_REQUIRE((continue_all(*d) == Error::none));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  BOOST_REQUIRE((d->interrupt() == Error::none));
  auto ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_REQUIRE(d->stopped());
  BOOST_REQUIRE(::kill(d->pid(), SIGKILL) == 0);
  ev = wait_event(*d);
  BOOST_REQUIRE(ev);
  BOOST_TEST((ev->kind == StopEvent::Kind::signalled));
  BOOST_TEST(ev->signal == SIGKILL);
}

BOOST_AUTO_TEST_SUITE_END()
