// rspstub: a GDB Remote Serial Protocol stub for gdb and lldb.
#include <csignal>
#include <cstdio>
#include <iostream>

#include <boost/asio.hpp>

#include "platform/process.hpp"
#include "platform/signals.hpp"
#include "stub/options.hpp"
#include "stub/server.hpp"

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
             "permission denied (reading another process needs the same user or "
             "CAP_SYS_PTRACE; check /proc/sys/kernel/yama/ptrace_scope, and a container's "
             "seccomp profile)";
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
  if (!opt.program.empty()) {
    std::fprintf(stderr,
                 "rspstub: starting a program needs process control, which is not built yet; "
                 "start it yourself and use --attach PID --no-stop\n");
    return 2;
  }
  if (opt.multi) {
    std::fprintf(stderr, "rspstub: --multi (extended-remote) is not available yet\n");
    return 2;
  }
  if (!opt.no_stop) {
    std::fprintf(stderr,
                 "rspstub: --attach without --no-stop would stop the process, which needs "
                 "process control (not built yet); add --no-stop to inspect it while it runs\n");
    return 2;
  }

  stub::Logger log;
  log.set_level(opt.quiet ? stub::LogLevel::error
                          : opt.verbosity > 0 ? stub::LogLevel::debug : stub::LogLevel::info);
  if (!opt.log_packets.empty() && !log.open_packet_log(opt.log_packets)) {
    std::fprintf(stderr, "rspstub: cannot open packet log '%s'\n", opt.log_packets.c_str());
    return 2;
  }

  auto process = platform::attach_for_inspection(opt.attach_pid);
  if (!process) {
    std::fprintf(stderr, "rspstub: %s\n", attach_failure(opt.attach_pid, process.error()).c_str());
    return 1;
  }

  stub::SessionConfig config;
  config.packet_size = opt.packet_size;
  config.no_stop = opt.no_stop;
  config.read_only = opt.read_only;

  boost::asio::io_context io(1);
  stub::Server server(io, **process, config, log, opt.once);
  std::string error;
  if (!server.listen(opt, error)) {
    std::fprintf(stderr, "rspstub: %s\n", error.c_str());
    return 1;
  }
  if (opt.transport == stub::Transport::tcp && opt.host_written_out && !is_loopback(opt.host))
    log.log(stub::LogLevel::warn, "listening on " + opt.host +
                                      ": the debugger port is reachable from the network, and a "
                                      "debugger can read everything the process holds");
  log.log(stub::LogLevel::info, "serving process " + std::to_string(opt.attach_pid) +
                                    " (inspection only, --no-stop); listening on " +
                                    server.where());
  std::fflush(stderr);

  boost::asio::signal_set signals(io);
  for (const int sig : platform::termination_signals()) signals.add(sig);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    log.log(stub::LogLevel::info, "signal " + std::to_string(sig) +
                                      ": exiting; the process runs on untouched");
    server.stop();
    io.stop();
  });
  server.start();
  server.watch_target(std::chrono::milliseconds(250));
  io.run();
  return 0;
}
