#include "stub/on_failure.hpp"

#include <array>
#include <chrono>
#include <cstdio>
#include <thread>

#include "platform/backtrace.hpp"
#include "platform/debuggee.hpp"
#include "platform/fatal_signal.hpp"
#include "platform/fault_info.hpp"
#include "stub/failure_report.hpp"
#include "stub/failure_watch.hpp"
#include "stub/on_failure_serve.hpp"

namespace rspstub::stub {
namespace {

void say(const std::string& line) {
  std::fprintf(stderr, "rspstub: %s\n", line.c_str());
  std::fflush(stderr);
}

// What the stop tells about the failure: the thread, si_addr and the cause, the PC.
Failure describe(platform::Debuggee& d, const Options& opt, const WatchResult& w) {
  Failure f;
  f.pid = d.pid();
  f.program = opt.program.front();
  f.timed_out = w.timed_out;
  f.timeout_seconds = opt.timeout_seconds;
  f.signal = w.timed_out ? 0 : w.stop.signal;
  f.tid = w.stop.tid;
  if (!w.timed_out) {
    if (auto raw = d.siginfo(f.tid)) {
      if (auto info = platform::decode_linux_siginfo(*raw)) {
        if (info->has_address) f.fault_address = info->address;
        f.cause = platform::describe_fault_code(*info);
      }
    }
  }
  if (auto regs = d.registers(f.tid); regs && regs->valid.test(platform::x86_64::rip))
    f.pc = regs->get_u64(platform::x86_64::rip);
  return f;
}

void print_backtrace(platform::Debuggee& d, const Failure& f) {
  auto tids = d.threads();
  if (!tids) {
    say("no backtrace: cannot list the threads (" + std::string(platform::to_string(tids.error())) +
        ")");
    return;
  }
  auto traces = platform::backtrace_all_threads(d.pid(), *tids);
  if (!traces) {
    say("no backtrace: " + std::string(platform::to_string(traces.error())));
    return;
  }
  std::vector<ThreadLabel> names;
  for (int tid : *tids)
    if (auto name = d.thread_name(tid)) names.push_back({tid, *name});
  const std::string text = format_backtrace(*traces, names, f.tid,
                                             f.timed_out ? "reporting thread" : "faulting thread");
  std::fprintf(stderr, "rspstub: backtrace of process %d (%zu thread%s):\n%s", d.pid(),
               tids->size(), tids->size() == 1 ? "" : "s", text.c_str());
  std::fflush(stderr);
}

// Lets the fatal signal do what it would have done (the program dies of it, dumping core where
// core dumps are on) and returns the status it ended with. Stops that come meanwhile (another
// thread faulting at the same moment) get their signals too. A program that somehow survives
// for 5 s is killed; the failure's status stands.
int deliver_and_collect(platform::Debuggee& d, const platform::StopEvent& stop, int fallback) {
  int tid = stop.tid;
  int sig = stop.signal;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (d.stopped()) {
      std::array<platform::ResumeAction, 2> actions{{{tid, platform::ResumeAction::Kind::cont, sig},
                                                     {-1, platform::ResumeAction::Kind::cont, 0}}};
      if (d.resume(actions) != platform::Error::none) break;
    }
    auto ev = d.poll_event();
    if (!ev) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
      continue;
    }
    if (ev->kind == platform::StopEvent::Kind::exited) return ev->exit_code;
    if (ev->kind == platform::StopEvent::Kind::signalled) return 128 + ev->signal;
    tid = ev->tid;
    sig = ev->reason == platform::StopReason::signal ? ev->signal : 0;
  }
  if (d.alive()) d.kill();
  return fallback;
}

// The failure is settled (no debugger, or it has left): end the program as it would have ended.
int conclude(platform::Debuggee& d, const Failure& f, const platform::StopEvent& stop) {
  const int status = failure_exit_status(f);
  if (!d.alive()) return status;  // a debugger killed it, or let it die
  if (f.timed_out || !d.stopped()) {
    d.kill();
    return status;
  }
  return deliver_and_collect(d, stop, status);
}

}  // namespace

int run_on_failure(const Options& opt, Logger& log) {
  FailureWatch watch;  // before the launch: its event signal must not be missed
  platform::LaunchSpec spec;
  spec.argv = opt.program;
  std::string message;
  auto launched = platform::launch(spec, message);
  if (!launched) {
    if (message.empty()) message = std::string(platform::to_string(launched.error()));
    say("cannot start " + opt.program.front() + ": " + message);
    return kCannotStartExitStatus;
  }
  platform::Debuggee& program = **launched;

  const WatchResult w = watch.run(program, opt.timeout_seconds);
  if (w.kind == WatchResult::Kind::ended) return w.exit_status;
  if (w.kind == WatchResult::Kind::interrupted) {
    say("got " + platform::signal_name(w.signal) + ": killing process " +
        std::to_string(program.pid()));
    program.kill();
    return 128 + w.signal;
  }

  const Failure f = describe(program, opt, w);
  if (opt.backtrace_only || opt.wait_seconds == 0) {
    say(describe_failure(f) + (opt.backtrace_only ? "" : "; --wait 0: not waiting for a debugger"));
  } else {
    const ServeOutcome served = serve_failed_process(
        program, w.stop, opt, log,
        [&](const std::string& where) { say(waiting_line(f, where, opt.wait_seconds)); });
    switch (served.kind) {
      case ServeOutcome::Kind::debugger_left:
        return served.end_status ? *served.end_status : conclude(program, f, w.stop);
      case ServeOutcome::Kind::interrupted:
        program.kill();
        return 128 + served.signal;
      case ServeOutcome::Kind::cannot_listen:
        say(describe_failure(f) + "; cannot wait for a debugger: " + served.message);
        break;
      case ServeOutcome::Kind::no_debugger:
        say("no debugger connected within " + std::to_string(opt.wait_seconds) + " s");
        break;
    }
  }
  print_backtrace(program, f);
  const int status = conclude(program, f, w.stop);
  say("process " + std::to_string(f.pid) + (f.timed_out ? " killed after the timeout" : " ended") +
      "; exit status " + std::to_string(status));
  return status;
}

}  // namespace rspstub::stub
