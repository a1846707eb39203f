// One debugger connection over any Asio byte stream (TCP, Unix domain socket, stdio): read,
// feed the session, write each reply before handling the next request — so one reply buffer
// serves the whole connection and pipelined requests are answered in order — until either side
// ends it. Input is read in fixed 64 KiB pieces; the session never buffers more than PacketSize.
//
// Stop replies arrive from outside (the server saw the target stop): target_stopped() only sets
// a flag when a write is in progress, and the stop reply goes out once that write is done —
// replies are never interleaved, and the one reply buffer is never overwritten while in flight.
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>

#include <boost/asio.hpp>

#include "stub/session.hpp"

namespace rspstub::stub {

// What the server tells the connection being served.
class StopListener {
 public:
  virtual ~StopListener() = default;
  // The Target recorded an event: send the stop reply if the session waits for one.
  virtual void target_stopped() = 0;
  // True while the session waits for the stop of a resume it asked for.
  virtual bool awaiting_stop() const = 0;
  // Waits for a read of the process the connection has in flight on another thread (a streamed
  // reply's read ahead), before the server touches the process itself.
  virtual void quiesce() = 0;
};

template <class Stream>
class Connection : public StopListener,
                   public std::enable_shared_from_this<Connection<Stream>> {
 public:
  using Ended = std::function<void(const std::string& why)>;

  Connection(Stream stream, Target& target, const SessionConfig& config, Logger& log,
             Ended on_end)
      : stream_(std::move(stream)),
        session_(target, config, log),
        on_end_(std::move(on_end)),
        // Polling only helps where the client runs on another CPU at the same time.
        poll_(std::thread::hardware_concurrency() > 1 ? config.input_poll
                                                       : std::chrono::microseconds(0)) {}

  void start() { pump(); }

  void target_stopped() override {
    stop_pending_ = true;
    pump();
  }
  bool awaiting_stop() const override { return session_.awaiting_stop(); }
  void quiesce() override { session_.quiesce(); }

 private:
  // Does the next thing: after a write, a pending stop reply first; then the input already
  // read; then reads more. Nothing while a write is in flight.
  void pump() {
    for (;;) {
      if (done_ || writing_) return;
      if (stop_pending_) {
        stop_pending_ = false;
        const Session::Step step = session_.target_stopped();
        if (!step.output.empty()) {
          if (!write(step)) return;
          continue;  // the write went out at once: look again, as after any write
        }
      }
      if (!pending_.empty()) {
        // Replies sent at once do not pass through the event loop: after a run of them, let it
        // run (signals, the target's events) before the next request, as a read does.
        if (written_in_a_row_ >= kMaxWrittenInARow) return yield();
        const Session::Step step = session_.feed(pending_);
        pending_ = pending_.subspan(step.consumed);
        if (!step.output.empty()) {
          if (!write(step)) return;
          ++written_in_a_row_;
          continue;
        }
        if (step.close) return finish("closed by the session");
        continue;
      }
      if (reading_) return;
      session_.speculate();  // idle until the next request: prepare the one likely to come
      // A few polled reads in a row at most, then one through the event loop, so a client that
      // never stops sending cannot keep signals and the target's events waiting.
      if (polled_in_a_row_ >= kMaxPolledInARow || !read_now()) return read();
      ++polled_in_a_row_;
    }
  }

  // Tries for the next request without sleeping, for up to poll_: a client that answers a reply
  // with its next request within that time (a bulk read, a backtrace) finds the stub awake,
  // instead of paying for a wake-up (on a VM, an inter-processor interrupt) per request. True
  // when it read something. Sockets only (they have a non-blocking mode); stdio always sleeps.
  bool read_now() {
    if constexpr (requires(Stream& s) { s.non_blocking(true); }) {
      if (poll_.count() == 0 || !make_non_blocking()) return false;
      boost::system::error_code ec;
      const auto deadline = std::chrono::steady_clock::now() + poll_;
      do {
        const std::size_t n = stream_.read_some(boost::asio::buffer(input_), ec);
        if (!ec) {
          pending_ = {input_.data(), n};
          return true;
        }
        if (ec != boost::asio::error::would_block) return false;
      } while (std::chrono::steady_clock::now() < deadline);
    }
    return false;
  }

  // Puts a socket in non-blocking mode, once per connection (each call is a system call).
  // Asio's asynchronous operations work in either mode.
  bool make_non_blocking() {
    if constexpr (requires(Stream& s) { s.non_blocking(true); }) {
      if (!non_blocking_) {
        boost::system::error_code ec;
        stream_.non_blocking(true, ec);
        non_blocking_ = !ec;
      }
      return non_blocking_;
    }
    return false;
  }

  // Comes back to pump() through the event loop, after whatever is waiting there.
  void yield() {
    written_in_a_row_ = 0;
    boost::asio::post(stream_.get_executor(),
                      [self = this->shared_from_this()] { self->pump(); });
  }

  void read() {
    polled_in_a_row_ = 0;
    written_in_a_row_ = 0;
    reading_ = true;
    stream_.async_read_some(boost::asio::buffer(input_),
                            [self = this->shared_from_this()](boost::system::error_code ec,
                                                              std::size_t n) {
                              self->reading_ = false;
                              if (ec) return self->finish(ec == boost::asio::error::eof
                                                              ? "closed by the debugger"
                                                              : ec.message());
                              self->pending_ = {self->input_.data(), n};
                              self->pump();
                            });
  }

  // Sends a step's output. A step that leaves its reply unfinished (step.more) is followed
  // at once by the reply's next piece, so nothing (a stop reply, the next request) can come
  // between the pieces of one packet. True when all of it went out at once (the caller goes
  // on); false when the rest is left to an asynchronous write (which calls pump() when done)
  // or the connection ended.
  bool write(Session::Step step) {
    for (;;) {
      const std::size_t sent = send_now(step.output);
      if (done_) return false;
      if (sent < step.output.size()) {
        write_async(step.output.substr(sent), step.close, step.more);
        return false;
      }
      if (!step.more) break;
      step = session_.continue_reply();
    }
    if (step.close) {
      finish("session ended");
      return false;
    }
    return true;
  }

  // Sends what the socket takes without waiting, in one system call where it takes all (Asio's
  // asynchronous write would cut a 256 KiB reply into four 64 KiB sends, each followed by a
  // trip through the event loop). Returns how much went out; ends the connection on an error.
  // Sockets only; other streams always go through write_async.
  std::size_t send_now(std::string_view out) {
    std::size_t sent = 0;
    if constexpr (requires(Stream& s) { s.non_blocking(true); }) {
      if (!make_non_blocking()) return 0;
      boost::system::error_code ec;
      while (sent < out.size()) {
        const std::size_t n =
            stream_.write_some(boost::asio::buffer(out.data() + sent, out.size() - sent), ec);
        if (ec == boost::asio::error::would_block) break;
        if (ec) {
          finish(ec.message());
          break;
        }
        sent += n;
      }
    }
    return sent;
  }

  void write_async(std::string_view out, bool close, bool more) {
    writing_ = true;
    written_in_a_row_ = 0;
    boost::asio::async_write(
        stream_, boost::asio::buffer(out.data(), out.size()),
        [self = this->shared_from_this(), close, more](boost::system::error_code ec,
                                                       std::size_t) {
          self->writing_ = false;
          if (ec) return self->finish(ec.message());
          if (more) {
            if (!self->write(self->session_.continue_reply())) return;
          } else if (close) {
            return self->finish("session ended");
          }
          self->pump();
        });
  }

  void finish(const std::string& why) {
    if (done_) return;
    done_ = true;
    session_.abandon_reply();  // before on_end_, which may act on the process
    boost::system::error_code ec;
    stream_.close(ec);
    on_end_(why);
  }

  Stream stream_;
  Session session_;
  Ended on_end_;
  const std::chrono::microseconds poll_;
  static constexpr int kMaxPolledInARow = 16;
  int polled_in_a_row_ = 0;
  static constexpr int kMaxWrittenInARow = 64;
  int written_in_a_row_ = 0;
  bool non_blocking_ = false;  // the stream's non-blocking mode is set (make_non_blocking)
  std::array<char, 64 * 1024> input_{};
  std::span<const char> pending_;  // read but not yet fed; a new read only once it is empty
  bool reading_ = false;
  bool writing_ = false;
  bool stop_pending_ = false;
  bool done_ = false;
};

}  // namespace rspstub::stub
