#include "stub/failure_watch.hpp"

#include <array>
#include <chrono>

#include "platform/fatal_signal.hpp"
#include "platform/signal_disposition.hpp"
#include "platform/signals.hpp"

namespace rspstub::stub {

using platform::StopEvent;
using platform::StopReason;

FailureWatch::FailureWatch() {
  if (const int sig = platform::debuggee_event_signal(); sig != 0) events_.add(sig);
  for (const int sig : platform::termination_signals()) termination_.add(sig);
}

WatchResult FailureWatch::run(platform::Debuggee& program, unsigned timeout_seconds) {
  program_ = &program;
  std::array<int, 64> pass{};
  program.set_pass_signals(std::span<const int>(
      pass.data(), static_cast<std::size_t>(platform::pass_through_signals(pass.data(), 64))));

  termination_.async_wait([this](boost::system::error_code ec, int sig) {
    if (ec || done_) return;
    WatchResult r;
    r.kind = WatchResult::Kind::interrupted;
    r.signal = sig;
    finish(r);
  });
  if (timeout_seconds > 0) {
    timeout_.expires_after(std::chrono::seconds(timeout_seconds));
    timeout_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      timed_out_ = true;
      program_->interrupt();  // its stop arrives as an event with reason interrupt
    });
  }
  wait_for_events();
  resume(-1, 0);
  drain();  // anything that happened already (the event signal may have come before the wait)
  if (!done_) io_.run();
  return result_;
}

void FailureWatch::wait_for_events() {
  if (platform::debuggee_event_signal() != 0) {
    events_.async_wait([this](boost::system::error_code ec, int) {
      if (ec || done_) return;
      drain();
      if (!done_) wait_for_events();
    });
  } else {
    poll_timer_.expires_after(std::chrono::milliseconds(20));
    poll_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      drain();
      if (!done_) wait_for_events();
    });
  }
}

void FailureWatch::drain() {
  while (!done_) {
    auto ev = program_->poll_event();
    if (!ev) return;
    handle(*ev);
  }
}

void FailureWatch::handle(const StopEvent& ev) {
  if (ev.kind == StopEvent::Kind::exited || ev.kind == StopEvent::Kind::signalled) {
    WatchResult r;
    r.kind = WatchResult::Kind::ended;
    r.exit_status = ev.kind == StopEvent::Kind::exited ? ev.exit_code : 128 + ev.signal;
    finish(r);
    return;
  }
  if (ev.reason == StopReason::interrupt && timed_out_) {
    WatchResult r;
    r.kind = WatchResult::Kind::failed;
    r.stop = ev;
    r.timed_out = true;
    finish(r);
    return;
  }
  if (ev.reason == StopReason::signal && platform::default_action_dumps_core(ev.signal)) {
    // The disposition decides: a program with its own SIGSEGV handler (or one that ignores
    // SIGQUIT) survives the signal. A fault signal that is blocked or ignored has already been
    // reset to SIG_DFL by the kernel at this point, so it reads as fatal, as it is.
    const auto disposition = platform::signal_disposition(program_->pid());
    if (!disposition || platform::is_fatal(ev.signal, *disposition)) {
      WatchResult r;
      r.kind = WatchResult::Kind::failed;
      r.stop = ev;
      finish(r);
      return;
    }
  }
  // A signal it survives goes on to it; any other stop (exec, a stray interrupt) just resumes.
  resume(ev.tid, ev.reason == StopReason::signal ? ev.signal : 0);
}

void FailureWatch::resume(int tid, int signal) {
  std::array<platform::ResumeAction, 2> actions{};
  std::size_t n = 0;
  if (tid > 0) actions[n++] = {tid, platform::ResumeAction::Kind::cont, signal};
  actions[n++] = {-1, platform::ResumeAction::Kind::cont, 0};
  program_->resume(std::span<const platform::ResumeAction>(actions.data(), n));
}

void FailureWatch::finish(WatchResult result) {
  done_ = true;
  result_ = result;
  boost::system::error_code ignored;
  timeout_.cancel();
  poll_timer_.cancel();
  events_.cancel(ignored);
  termination_.cancel(ignored);
  io_.stop();
}

}  // namespace rspstub::stub
