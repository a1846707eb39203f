// The listening side: a TCP or Unix-domain acceptor serving one debugger connection at a time,
// or a single connection over stdin/stdout. One io_context thread does all socket and target
// work (ptrace answers only the thread that attached, and one thread needs no locks).
//
// With a controlled process the server also listens for its events: on
// platform::debuggee_event_signal() (SIGCHLD; a 20 ms timer where there is no such signal) it
// drains Debuggee::poll_event(), records each event in the Target (the last stop `?` reports,
// kept also while no debugger is connected) and tells the connection, which sends the stop
// reply its resume is waiting for. A debugger that leaves while the process runs has it
// interrupted, so the next one finds it stopped; the breakpoints and watchpoints of a debugger
// that left are removed (once the process is stopped), since the next one knows none of them
// and would get stops it never asked for. Once the process's end (exit, kill, detach)
// was reported, the server ends when that debugger leaves.
#pragma once

#include <boost/asio.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "platform/process.hpp"
#include "stub/config.hpp"
#include "stub/log.hpp"
#include "stub/options.hpp"
#include "stub/target.hpp"

namespace rspstub::stub {

class StopListener;

class Server {
 public:
  Server(boost::asio::io_context& io, Target& target, const SessionConfig& config, Logger& log,
         bool once);
  ~Server();

  // Binds and listens as `opt` says; false with a message (port in use, ...) on failure.
  bool listen(const Options& opt, std::string& error);
  // Where it listens, for messages: "127.0.0.1:1234", "unix:/path", "stdin/stdout".
  std::string where() const;
  // Starts accepting (and watching the controlled process's events, if any).
  void start();
  void stop();
  // Ends the server once the target is finished (Target::finished) and no debugger is
  // connected (a connected one keeps getting E06 until it leaves). Checked every `period`.
  void watch_target(std::chrono::milliseconds period);
  // Drains the controlled process's events now (also what the signal/timer does).
  void poll_target_events();
  // True while a debugger is being served (rspstub --on-failure's --wait ends only without one).
  bool debugger_connected() const noexcept { return busy_; }

 private:
  template <class Acceptor>
  void accept_next(Acceptor& acceptor);
  template <class Stream>
  void serve(Stream stream);
  template <class Stream>
  void refuse(Stream stream);
  void connection_ended(const std::string& why);
  void watch_events();
  bool listen_tcp(const Options& opt, std::string& error);
  bool listen_unix(const std::string& path, std::string& error);

  boost::asio::io_context& io_;
  Target& target_;
  const SessionConfig& config_;
  Logger& log_;
  bool once_;
  bool stdio_ = false;
  std::optional<boost::asio::ip::tcp::acceptor> tcp_;
  std::optional<boost::asio::local::stream_protocol::acceptor> unix_;
  std::string unix_path_;  // removed again at exit
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer watch_timer_;
  std::chrono::milliseconds watch_period_{0};
  void check_target();
  std::weak_ptr<StopListener> active_;  // the connection being served
  boost::asio::signal_set event_signal_;
  boost::asio::steady_timer event_timer_;
  int event_signal_number_ = 0;  // 0: not asked yet; -1: poll on the timer
  bool event_signal_added_ = false;
  bool accept_failing_ = false;
  // A debugger left while the process ran: take its breakpoints out at the next stop.
  bool forget_breakpoints_at_stop_ = false;
  void forget_breakpoints();
  bool busy_ = false;
  bool stopped_ = false;
};

}  // namespace rspstub::stub
