#include "stub/on_failure_serve.hpp"

#include <boost/asio.hpp>
#include <chrono>

#include "platform/signal_numbers.hpp"
#include "platform/signals.hpp"
#include "stub/config.hpp"
#include "stub/server.hpp"
#include "stub/target.hpp"

namespace rspstub::stub {

ServeOutcome serve_failed_process(platform::Debuggee& stopped, const platform::StopEvent& stop,
                                  const Options& opt, Logger& log,
                                  const std::function<void(const std::string& where)>& listening) {
  ServeOutcome out;
  out.kind = ServeOutcome::Kind::debugger_left;

  // The debugger's `?` sees the fatal stop (e.g. T0b for SIGSEGV in the faulting thread); the
  // process is ours (launched): qAttached 0, and a debugger that quits kills it.
  Target target(stopped, stop);
  target.set_launched(true);
  SessionConfig config;
  config.packet_size = opt.packet_size;
  config.no_stop = false;
  config.read_only = opt.read_only;

  boost::asio::io_context io(1);
  Server server(io, target, config, log, /*once=*/true);
  std::string error;
  if (!server.listen(opt, error)) {
    out.kind = ServeOutcome::Kind::cannot_listen;
    out.message = error;
    return out;
  }
  listening(server.where());

  boost::asio::steady_timer deadline(io);
  deadline.expires_after(std::chrono::seconds(opt.wait_seconds));
  deadline.async_wait([&](boost::system::error_code ec) {
    if (ec || server.debugger_connected()) return;  // one that came in time is served to the end
    out.kind = ServeOutcome::Kind::no_debugger;
    server.stop();
    io.stop();
  });
  boost::asio::signal_set signals(io);
  for (const int sig : platform::termination_signals()) signals.add(sig);
  signals.async_wait([&](boost::system::error_code ec, int sig) {
    if (ec) return;
    out.kind = ServeOutcome::Kind::interrupted;
    out.signal = sig;
    server.stop();
    io.stop();
  });
  server.start();
  server.watch_target(std::chrono::milliseconds(250));
  io.run();

  // How it ended, if a debugger let it run to its end. A kill by the debugger (k, vKill: SIGKILL)
  // says nothing about the program: the failure's own status stands then.
  if (const auto& last = target.last_stop(); last) {
    if (last->kind == platform::StopEvent::Kind::exited) out.end_status = last->exit_code;
    if (last->kind == platform::StopEvent::Kind::signalled && last->signal != platform::posix_signal::kill)
      out.end_status = 128 + last->signal;
  }
  return out;
}

}  // namespace rspstub::stub
