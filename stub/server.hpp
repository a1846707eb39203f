// The listening side: a TCP or Unix-domain acceptor serving one debugger connection at a time,
// or a single connection over stdin/stdout. One io_context thread does all socket and target
// work (ptrace answers only the thread that attached, and one thread needs no locks).
#pragma once

#include <boost/asio.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "platform/process.hpp"
#include "stub/config.hpp"
#include "stub/log.hpp"
#include "stub/options.hpp"

namespace rspstub::stub {

class Server {
 public:
  Server(boost::asio::io_context& io, platform::Process& process, const SessionConfig& config,
         Logger& log, bool once);
  ~Server();

  // Binds and listens as `opt` says; false with a message (port in use, ...) on failure.
  bool listen(const Options& opt, std::string& error);
  // Where it listens, for messages: "127.0.0.1:1234", "unix:/path", "stdin/stdout".
  std::string where() const;
  void start();
  void stop();
  // Ends the server once the target has exited and no debugger is connected (a connected one
  // keeps getting E06 until it leaves). Checked every `period`.
  void watch_target(std::chrono::milliseconds period);

 private:
  template <class Acceptor>
  void accept_next(Acceptor& acceptor);
  template <class Stream>
  void serve(Stream stream);
  template <class Stream>
  void refuse(Stream stream);
  void connection_ended(const std::string& why);
  bool listen_tcp(const Options& opt, std::string& error);
  bool listen_unix(const std::string& path, std::string& error);

  boost::asio::io_context& io_;
  platform::Process& process_;
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
  bool accept_failing_ = false;
  bool busy_ = false;
  bool stopped_ = false;
};

}  // namespace rspstub::stub
