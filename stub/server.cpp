#include "stub/server.hpp"

#include <filesystem>
#include <memory>

#include "platform/private_files.hpp"
#include "protocol/reply.hpp"
#include "platform/debuggee.hpp"
#include "stub/connection.hpp"
#include "stub/stdio_stream.hpp"

namespace rspstub::stub {

namespace asio = boost::asio;
using asio::ip::tcp;
using unix_socket = asio::local::stream_protocol;

Server::Server(asio::io_context& io, Target& target, const SessionConfig& config, Logger& log,
               bool once)
    : io_(io),
      target_(target),
      config_(config),
      log_(log),
      once_(once),
      retry_timer_(io),
      watch_timer_(io),
      event_signal_(io),
      event_timer_(io) {}

void Server::watch_target(std::chrono::milliseconds period) {
  watch_period_ = period;
  check_target();
}

void Server::check_target() {
  if (stopped_) return;
  if (target_.finished() && !busy_) {
    log_.log(LogLevel::info, "process " + std::to_string(target_.process().pid()) +
                                 " has exited (or is no longer ours): nothing left to serve");
    stop();
    io_.stop();
    return;
  }
  if (watch_period_.count() <= 0) return;  // a one-off check (a debugger left)
  watch_timer_.expires_after(watch_period_);
  watch_timer_.async_wait([this](boost::system::error_code ec) {
    if (!ec) check_target();
  });
}

Server::~Server() { stop(); }

bool Server::listen(const Options& opt, std::string& error) {
  switch (opt.transport) {
    case Transport::tcp: return listen_tcp(opt, error);
    case Transport::unix_socket: return listen_unix(opt.unix_path, error);
    case Transport::stdio:
#if defined(RSPSTUB_HAS_STDIO_TRANSPORT)
      stdio_ = true;
      once_ = true;  // stdin/stdout carry one conversation
      return true;
#else
      error = "the stdio transport ('-') is not available on this system";
      return false;
#endif
  }
  return false;
}

bool Server::listen_tcp(const Options& opt, std::string& error) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(opt.host, ec);
  if (ec) {
    error = "bad listen address '" + opt.host + "': not an IPv4 or IPv6 address";
    return false;
  }
  const tcp::endpoint endpoint(address, opt.port);
  tcp_.emplace(io_);
  tcp_->open(endpoint.protocol(), ec);
  if (!ec) tcp_->set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) tcp_->bind(endpoint, ec);
  if (!ec) tcp_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + opt.host + ":" + std::to_string(opt.port) + ": " +
            ec.message();
    tcp_.reset();
    return false;
  }
  return true;
}

// A Unix socket path is taken only if nothing is there, or a stale socket nobody listens on.
// Anything else (a file, a directory, a live rspstub) is refused, never removed.
bool Server::listen_unix(const std::string& path, std::string& error) {
  namespace fs = std::filesystem;
  std::error_code fec;
  const fs::file_status st = fs::symlink_status(path, fec);
  if (fs::exists(st)) {
    if (!fs::is_socket(st)) {
      error = "cannot listen on unix:" + path + ": the path exists and is not a socket";
      return false;
    }
    unix_socket::socket probe(io_);
    boost::system::error_code cec;
    probe.connect(unix_socket::endpoint(path), cec);
    if (!cec) {
      error = "cannot listen on unix:" + path + ": another server is listening there";
      return false;
    }
    fs::remove(path, fec);
  }
  boost::system::error_code ec;
  unix_.emplace(io_);
  unix_->open(unix_socket(), ec);
  if (!ec) {
    const platform::PrivateFileCreation private_mode;  // the socket is born 0600
    unix_->bind(unix_socket::endpoint(path), ec);
  }
  if (!ec) unix_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on unix:" + path + ": " + ec.message();
    unix_.reset();
    return false;
  }
  unix_path_ = path;
  return true;
}

std::string Server::where() const {
  boost::system::error_code ec;
  if (tcp_) {
    const auto ep = tcp_->local_endpoint(ec);
    const std::string host = ep.address().to_string();
    return (ep.address().is_v6() ? "[" + host + "]" : host) + ":" + std::to_string(ep.port());
  }
  if (unix_) return "unix:" + unix_path_;
  return "stdin/stdout";
}

void Server::start() {
  if (target_.debuggee() != nullptr || target_.extended()) watch_events();
  if (tcp_) accept_next(*tcp_);
  if (unix_) accept_next(*unix_);
#if defined(RSPSTUB_HAS_STDIO_TRANSPORT)
  if (stdio_) {
    busy_ = true;
    serve(StdioStream(io_));
  }
#endif
}

void Server::stop() {
  if (stopped_) return;
  stopped_ = true;
  boost::system::error_code ec;
  retry_timer_.cancel();
  watch_timer_.cancel();
  event_timer_.cancel();
  event_signal_.cancel(ec);
  if (tcp_) tcp_->close(ec);
  if (unix_) {
    unix_->close(ec);
    std::error_code fec;
    std::filesystem::remove(unix_path_, fec);
  }
}

template <class Acceptor>
void Server::accept_next(Acceptor& acceptor) {
  if (stopped_) return;
  acceptor.async_accept([this, &acceptor](boost::system::error_code ec, auto socket) {
    if (stopped_) return;
    if (ec) {
      // E.g. EMFILE: the pending connection stays queued, so retrying at once would spin.
      // Log once per failure streak and try again shortly.
      if (!accept_failing_) log_.log(LogLevel::warn, "accept failed: " + ec.message());
      accept_failing_ = true;
      retry_timer_.expires_after(std::chrono::milliseconds(100));
      retry_timer_.async_wait([this, &acceptor](boost::system::error_code wait_ec) {
        if (!wait_ec) accept_next(acceptor);
      });
      return;
    }
    accept_failing_ = false;
    if (busy_) {
      refuse(std::move(socket));
    } else {
      busy_ = true;
      log_.log(LogLevel::info, "debugger connected");
      serve(std::move(socket));
    }
    accept_next(acceptor);
  });
}

template <class Stream>
void Server::serve(Stream stream) {
  if constexpr (std::is_same_v<Stream, tcp::socket>) {
    boost::system::error_code ec;
    stream.set_option(tcp::no_delay(true), ec);  // replies are whole packets: send at once
  }
  auto connection = std::make_shared<Connection<Stream>>(
      std::move(stream), target_, config_, log_,
      [this](const std::string& why) { connection_ended(why); });
  active_ = connection;
  connection->start();
}

// A second debugger while one is attached: tell it why in an error packet, log it, close.
// The first connection is not touched.
template <class Stream>
void Server::refuse(Stream stream) {
  log_.log(LogLevel::warn, "refused a second debugger connection: one is already attached");
  auto reply = std::make_shared<protocol::ReplyBuffer>();
  reply->begin(false);
  reply->put("E.rspstub: another debugger is already connected");
  reply->finish();
  auto s = std::make_shared<Stream>(std::move(stream));
  asio::async_write(*s, asio::buffer(reply->wire().data(), reply->wire().size()),
                    [s, reply](boost::system::error_code, std::size_t) {
                      boost::system::error_code ec;
                      s->close(ec);
                    });
}

void Server::connection_ended(const std::string& why) {
  busy_ = false;
  active_.reset();
  log_.log(LogLevel::info, "debugger disconnected (" + why + ")");
  if (platform::Debuggee* d = target_.debuggee(); d != nullptr && target_.running()) {
    // Nobody is left to be told of the next stop: stop the process now, so the next debugger
    // finds it stopped (the stop is kept for its `?`).
    log_.log(LogLevel::info, "the process was running: interrupting it");
    d->interrupt();
    forget_breakpoints_at_stop_ = true;  // they can only come out once it is stopped
  } else {
    forget_breakpoints();
  }
  check_target();
  if (stopped_) return;
  if (once_) {
    log_.log(LogLevel::info, "exiting: --once (or stdio) serves one debugger");
    stop();
    io_.stop();
  }
}

// The breakpoints and watchpoints of a debugger that left without removing them: the next one
// knows nothing of them, and would get stops it never asked for (gdb reports them as SIGTRAP).
void Server::forget_breakpoints() {
  forget_breakpoints_at_stop_ = false;
  platform::Debuggee* d = target_.debuggee();
  if (d == nullptr || !d->alive() || !d->stopped()) return;
  if (const auto e = d->remove_all_breakpoints(); e != platform::Error::none)
    log_.log(LogLevel::warn, "cannot remove the breakpoints of the debugger that left: " +
                                 std::string(platform::to_string(e)));
}

void Server::watch_events() {
  if (stopped_) return;
  if (event_signal_number_ == 0) {
    const int number = platform::debuggee_event_signal();
    event_signal_number_ = number > 0 ? number : -1;
  }
  if (event_signal_number_ > 0) {
    if (!event_signal_added_) {
      boost::system::error_code ec;
      event_signal_.add(event_signal_number_, ec);
      if (ec) {
        log_.log(LogLevel::warn, "cannot watch signal " + std::to_string(event_signal_number_) +
                                     " (" + ec.message() + "): polling the process instead");
        event_signal_number_ = -1;
        return watch_events();
      }
      event_signal_added_ = true;
    }
    event_signal_.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      poll_target_events();
      watch_events();
    });
    return;
  }
  // No event signal on this system: look every 20 ms.
  event_timer_.expires_after(std::chrono::milliseconds(20));
  event_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    poll_target_events();
    watch_events();
  });
}

void Server::poll_target_events() {
  platform::Debuggee* d = target_.debuggee();
  if (d == nullptr) return;
  // Polling may change the process object (an exec replaces its memory access): nothing may be
  // reading it meanwhile.
  if (auto listener = active_.lock()) listener->quiesce();
  while (auto event = d->poll_event()) {
    target_.record_event(*event);
    if (log_.enabled(LogLevel::debug)) {
      log_.log(LogLevel::debug, "process event: kind " +
                                    std::to_string(static_cast<int>(event->kind)) + ", thread " +
                                    std::to_string(event->tid) + ", signal " +
                                    std::to_string(event->signal));
    }
    if (event->kind != platform::StopEvent::Kind::stopped)
      log_.log(LogLevel::info,
               event->kind == platform::StopEvent::Kind::exited
                   ? "process exited with code " + std::to_string(event->exit_code)
                   : "process killed by signal " + std::to_string(event->signal));
    if (forget_breakpoints_at_stop_ && event->kind == platform::StopEvent::Kind::stopped)
      forget_breakpoints();
    if (auto listener = active_.lock()) listener->target_stopped();
  }
}

}  // namespace rspstub::stub
