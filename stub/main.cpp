// rspstub: a GDB Remote Serial Protocol stub for gdb and lldb.
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

#include <boost/asio.hpp>

#include "platform/debuggee.hpp"
#include "platform/process.hpp"
#include "platform/signal_numbers.hpp"
#include "platform/signals.hpp"
#include "stub/failure_report.hpp"
#include "stub/on_failure.hpp"
#include "stub/options.hpp"
#include "stub/server.hpp"
#include "stub/target.hpp"

namespace {

using namespace rspstub;

bool is_loopback(const std::string& host) {
  boost::system::error_code ec;
  const auto a = boost::asio::ip::make_address(host, ec);
  return !ec && a.is_loopback();
}

std::string attach_failure(int pid, platform::Error e) {
  const std::string who = "cannot attach to process " + std::to_string(pid) + ": ";
  switch (e) {
    case platform::Error::process_gone: return who + "no such process";
    case platform::Error::permission:
      return who +
             "permission denied (another debugger may be attached to it already; otherwise "
             "reading another process needs the same user or CAP_SYS_PTRACE; check "
             "/proc/sys/kernel/yama/ptrace_scope, and a container's seccomp profile)";
    default: return who + std::string(platform::to_string(e));
  }
}

}  // namespace

int run(int argc, char** argv);

// Whatever escapes (e.g. Asio failing to create its signal pipe when no file descriptor is
// left) ends in one line on stderr and exit status 1, never an abort.
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rspstub: %s\n", e.what());
    return 1;
  }
}

// What main serves, and how to let go of it at the end.
struct Served {
  std::unique_ptr<platform::Process> inspected;   // --attach PID --no-stop
  std::unique_ptr<platform::Debuggee> controlled; // launched, or --attach PID
  bool launched = false;
  std::string description;  // for the "serving ..." line
};

// Launch (a program after --) or attach (--attach PID: stopped unless --no-stop). Returns an
// exit status on failure (after printing one line), 0 on success.
int take_target(const stub::Options& opt, Served& out) {
  if (!opt.program.empty()) {
    platform::LaunchSpec spec;
    spec.argv = opt.program;
    std::string message;
    auto launched = platform::launch(spec, message);
    if (!launched) {
      // One line naming the problem ("cannot execute ./x: it is a directory"), and the status
      // --on-failure and shells use for a program that cannot start.
      if (message.empty())
        message = "cannot start " + opt.program.front() + ": " +
                  std::string(platform::to_string(launched.error()));
      std::fprintf(stderr, "rspstub: %s\n", message.c_str());
      return stub::kCannotStartExitStatus;
    }
    out.controlled = std::move(*launched);
    out.launched = true;
    out.description = "process " + std::to_string(out.controlled->pid()) + " created";
    return 0;
  }
  if (opt.no_stop) {
    auto process = platform::attach_for_inspection(opt.attach_pid);
    if (!process) {
      std::fprintf(stderr, "rspstub: %s\n", attach_failure(opt.attach_pid, process.error()).c_str());
      return 1;
    }
    out.inspected = std::move(*process);
    out.description = "serving process " + std::to_string(opt.attach_pid) +
                      " (inspection only, --no-stop)";
    return 0;
  }
  auto attached = platform::attach_and_stop(opt.attach_pid);
  if (!attached) {
    std::string why = attach_failure(opt.attach_pid, attached.error());
    if (attached.error() == platform::Error::not_supported)
      why += " (stopping a process needs process control; --no-stop inspects it while it runs)";
    std::fprintf(stderr, "rspstub: %s\n", why.c_str());
    return 1;
  }
  out.controlled = std::move(*attached);
  out.description = "attached to process " + std::to_string(opt.attach_pid);
  return 0;
}

// The stub is ending: a process we started dies with it, one we attached to runs on.
// `quiet`: after a startup failure, whose one line on stderr says it all.
void release(platform::Debuggee* d, bool launched, stub::Logger& log, bool quiet = false) {
  if (d == nullptr || !d->alive()) return;
  log.log(quiet ? stub::LogLevel::debug : stub::LogLevel::info,
          (launched ? "killing process " : "detaching from process ") + std::to_string(d->pid()) +
              (launched ? " (started by rspstub)" : ""));
  stub::release_debuggee(*d, launched);
}

int run(int argc, char** argv) {
  platform::ignore_broken_pipe_signal();  // a vanished client is an error code, not a death
  stub::Options opt;
  const stub::ParseResult parsed = stub::parse_options(argc, argv, opt);
  switch (parsed.status) {
    case stub::ParseStatus::help: std::fputs(stub::usage_text(), stdout); return 0;
    case stub::ParseStatus::version: std::puts("rspstub " RSPSTUB_VERSION); return 0;
    case stub::ParseStatus::error:
      std::fprintf(stderr, "rspstub: %s\n", parsed.message.c_str());
      return 2;
    case stub::ParseStatus::run: break;
  }
  if (opt.on_failure) {  // test launcher: silent unless the program fails (stub/on_failure.hpp)
    stub::Logger quiet_log;
    quiet_log.set_level(opt.verbosity > 0 ? stub::LogLevel::debug : stub::LogLevel::warn);
    return stub::run_on_failure(opt, quiet_log);
  }
  if (!opt.program.empty() && opt.no_stop) {
    std::fprintf(stderr, "rspstub: --no-stop only inspects a running process (--attach PID); "
                         "a program we start is always under control\n");
    return 2;
  }

  stub::Logger log;
  log.set_level(opt.quiet ? stub::LogLevel::error
                          : opt.verbosity > 0 ? stub::LogLevel::debug : stub::LogLevel::info);
  if (!opt.log_packets.empty() && !log.open_packet_log(opt.log_packets)) {
    std::fprintf(stderr, "rspstub: cannot open packet log '%s'\n", opt.log_packets.c_str());
    return 2;
  }

  Served served;
  const bool has_first = !opt.program.empty() || opt.attach_pid != 0;
  if (has_first) {
    if (int status = take_target(opt, served); status != 0) return status;
  } else {
    served.description = "extended-remote (--multi), no process yet";
  }
  std::optional<stub::Target> target;
  stub::HostProcessSource process_source;
  if (opt.multi) {
    // The Target owns every process from now on, this first one included.
    target.emplace();
    target->enable_extended(process_source);
    if (!opt.program.empty()) target->set_last_program(opt.program);
    if (served.controlled) {
      platform::StopEvent initial;
      initial.tid = served.controlled->pid();
      initial.signal = served.launched ? platform::posix_signal::trap : 0;
      target->adopt(std::move(served.controlled), initial, served.launched);
      served.description += " (extended-remote, --multi)";
    }
  } else if (served.controlled) {
    platform::StopEvent initial;  // as gdbserver reports: launch SIGTRAP, attach signal 0
    // The main thread (on Linux its id is the pid; on Windows thread ids are their own).
    auto threads = served.controlled->threads();
    initial.tid = threads && !threads->empty() ? threads->front() : served.controlled->pid();
    initial.signal = served.launched ? platform::posix_signal::trap : 0;
    target.emplace(*served.controlled, initial);
    target->set_launched(served.launched);
  } else {
    target.emplace(*served.inspected);
  }
  // At the end: whatever is still served is let go of (killed if we started it).
  auto release_all = [&](bool quiet = false) {
    if (opt.multi)
      release(target->debuggee(), target->launched(), log, quiet);
    else
      release(served.controlled.get(), served.launched, log, quiet);
  };

  stub::SessionConfig config;
  config.packet_size = opt.packet_size;
  config.no_stop = opt.no_stop;
  config.read_only = opt.read_only;
  config.input_poll = std::chrono::microseconds(opt.poll_us);
  config.read_ahead = std::thread::hardware_concurrency() >= 3;

  int status = 0;
  {
    boost::asio::io_context io(1);
    stub::Server server(io, *target, config, log, opt.once);
    std::string error;
    if (!server.listen(opt, error)) {
      std::fprintf(stderr, "rspstub: %s\n", error.c_str());
      release_all(true);
      return 1;
    }
    if (opt.transport == stub::Transport::tcp && opt.host_written_out && !is_loopback(opt.host))
      log.log(stub::LogLevel::warn, "listening on " + opt.host +
                                        ": the debugger port is reachable from the network, and a "
                                        "debugger can read everything the process holds");
    log.log(stub::LogLevel::info, served.description + "; listening on " + server.where());
    std::fflush(stderr);

    boost::asio::signal_set signals(io);
    for (const int sig : platform::termination_signals()) signals.add(sig);
    signals.async_wait([&](boost::system::error_code ec, int sig) {
      if (ec) return;
      log.log(stub::LogLevel::info,
              "signal " + std::to_string(sig) +
                  (served.inspected ? ": exiting; the process runs on untouched" : ": exiting"));
      server.stop();
      io.stop();
    });
    server.start();
    server.watch_target(std::chrono::milliseconds(250));
    io.run();
  }
  release_all();
  return status;
}
