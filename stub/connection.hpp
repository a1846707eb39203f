// One debugger connection over any Asio byte stream (TCP, Unix domain socket, stdio): read,
// feed the session, write each reply before handling the next request — so one reply buffer
// serves the whole connection and pipelined requests are answered in order — until either side
// ends it. Input is read in fixed 64 KiB pieces; the session never buffers more than PacketSize.
#pragma once

#include <array>
#include <functional>
#include <memory>
#include <span>
#include <string>

#include <boost/asio.hpp>

#include "stub/session.hpp"

namespace rspstub::stub {

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  using Ended = std::function<void(const std::string& why)>;

  Connection(Stream stream, platform::Process& process, const SessionConfig& config, Logger& log,
             Ended on_end)
      : stream_(std::move(stream)),
        session_(process, config, log),
        on_end_(std::move(on_end)) {}

  void start() { read(); }

 private:
  void read() {
    stream_.async_read_some(boost::asio::buffer(input_),
                            [self = this->shared_from_this()](boost::system::error_code ec,
                                                              std::size_t n) {
                              if (ec) return self->finish(ec == boost::asio::error::eof
                                                              ? "closed by the debugger"
                                                              : ec.message());
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
      boost::asio::async_write(
          stream_, boost::asio::buffer(step.output.data(), step.output.size()),
          [self = this->shared_from_this(), close = step.close](boost::system::error_code ec,
                                                                std::size_t) {
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
    stream_.close(ec);
    on_end_(why);
  }

  Stream stream_;
  Session session_;
  Ended on_end_;
  std::array<char, 64 * 1024> input_{};
  std::span<const char> pending_;
  bool done_ = false;
};

}  // namespace rspstub::stub
