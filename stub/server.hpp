// The network side: an Asio acceptor serving one debugger connection at a time.
// One io_context thread does all socket and target work (ptrace answers only the thread that
// attached, and one thread needs no locks).
#pragma once

#include <boost/asio.hpp>
#include <memory>
#include <string>

#include "platform/process.hpp"
#include "stub/config.hpp"
#include "stub/log.hpp"

namespace rspstub::stub {

class Connection;

class Server {
 public:
  Server(boost::asio::io_context& io, platform::Process& process, const SessionConfig& config,
         Logger& log, bool once);

  // Binds and listens; false with a message (e.g. port in use) on failure.
  bool listen(const std::string& host, std::uint16_t port, std::string& error);
  std::uint16_t port() const;
  void start();
  void stop();

 private:
  friend class Connection;
  void accept_next();
  void connection_ended();
  void refuse(boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& io_;
  boost::asio::ip::tcp::acceptor acceptor_;
  platform::Process& process_;
  const SessionConfig& config_;
  Logger& log_;
  bool once_;
  bool busy_ = false;
  bool stopped_ = false;
};

}  // namespace rspstub::stub
