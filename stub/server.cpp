#include "stub/server.hpp"

#include <array>

#include "protocol/reply.hpp"
#include "stub/session.hpp"

namespace rspstub::stub {

namespace asio = boost::asio;
using asio::ip::tcp;

// One debugger connection: read, feed the session, write each reply before handling the next
// request (so one reply buffer serves the whole connection), until either side ends it.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(Server& server, tcp::socket socket)
      : server_(server),
        socket_(std::move(socket)),
        session_(server.process_, server.config_, server.log_) {}

  void start() {
    boost::system::error_code ec;
    socket_.set_option(tcp::no_delay(true), ec);  // replies are whole packets: send at once
    read();
  }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(input_),
                            [self = shared_from_this()](boost::system::error_code ec,
                                                        std::size_t n) {
                              if (ec) return self->finish(ec.message());
                              self->pending_ = {self->input_.data(), n};
                              self->process();
                            });
  }

  // Feeds pending input to the session until it produces a reply (then writes it) or the
  // input runs out (then reads more).
  void process() {
    while (!pending_.empty()) {
      const Session::Step step = session_.feed(pending_);
      pending_ = pending_.subspan(step.consumed);
      if (step.output.empty()) {
        if (step.close) return finish("closed by the session");
        continue;
      }
      asio::async_write(socket_, asio::buffer(step.output.data(), step.output.size()),
                        [self = shared_from_this(), close = step.close](
                            boost::system::error_code ec, std::size_t) {
                          if (ec) return self->finish(ec.message());
                          if (close) return self->finish("session ended");
                          self->process();
                        });
      return;
    }
    read();
  }

  void finish(const std::string& why) {
    if (done_) return;
    done_ = true;
    boost::system::error_code ec;
    socket_.shutdown(tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    server_.log_.log(LogLevel::info, "debugger disconnected (" + why + ")");
    server_.connection_ended();
  }

  Server& server_;
  tcp::socket socket_;
  Session session_;
  std::array<char, 64 * 1024> input_{};
  std::span<const char> pending_;
  bool done_ = false;
};

Server::Server(asio::io_context& io, platform::Process& process, const SessionConfig& config,
               Logger& log, bool once)
    : io_(io), acceptor_(io), process_(process), config_(config), log_(log), once_(once) {}

bool Server::listen(const std::string& host, std::uint16_t port, std::string& error) {
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(host, ec);
  if (ec) {
    error = "bad listen address '" + host + "': not an IPv4 or IPv6 address";
    return false;
  }
  const tcp::endpoint endpoint(address, port);
  acceptor_.open(endpoint.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(endpoint, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    error = "cannot listen on " + host + ":" + std::to_string(port) + ": " + ec.message();
    return false;
  }
  return true;
}

std::uint16_t Server::port() const {
  boost::system::error_code ec;
  return acceptor_.local_endpoint(ec).port();
}

void Server::start() { accept_next(); }

void Server::stop() {
  stopped_ = true;
  boost::system::error_code ec;
  acceptor_.close(ec);
}

void Server::accept_next() {
  if (stopped_) return;
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec != asio::error::operation_aborted)
        log_.log(LogLevel::warn, "accept failed: " + ec.message());
      if (!stopped_) accept_next();
      return;
    }
    if (busy_) {
      refuse(std::move(socket));
    } else {
      busy_ = true;
      boost::system::error_code pe;
      const auto peer = socket.remote_endpoint(pe);
      log_.log(LogLevel::info, "debugger connected from " +
                                   (pe ? std::string("?") : peer.address().to_string() + ":" +
                                                                std::to_string(peer.port())));
      std::make_shared<Connection>(*this, std::move(socket))->start();
    }
    accept_next();
  });
}

// A second debugger while one is attached: tell it why in an error packet, log it, close.
void Server::refuse(tcp::socket socket) {
  log_.log(LogLevel::warn, "refused a second debugger connection: one is already attached");
  auto reply = std::make_shared<protocol::ReplyBuffer>();
  reply->begin(false);
  reply->put("E.rspstub: another debugger is already connected");
  reply->finish();
  auto sock = std::make_shared<tcp::socket>(std::move(socket));
  asio::async_write(*sock, asio::buffer(reply->wire().data(), reply->wire().size()),
                    [sock, reply](boost::system::error_code, std::size_t) {
                      boost::system::error_code ec;
                      sock->shutdown(tcp::socket::shutdown_both, ec);
                      sock->close(ec);
                    });
}

void Server::connection_ended() {
  busy_ = false;
  if (once_) {
    log_.log(LogLevel::info, "--once: exiting after the first debugger");
    stop();
    io_.stop();
  }
}

}  // namespace rspstub::stub
