// stdin/stdout as one Asio byte stream, for `rspstub ... -` (gdb: `target remote | ssh host
// rspstub --attach PID --no-stop -`). Only where Asio has POSIX stream descriptors.
#pragma once

#include <boost/asio.hpp>

#if defined(BOOST_ASIO_HAS_POSIX_STREAM_DESCRIPTOR)
#define RSPSTUB_HAS_STDIO_TRANSPORT 1

namespace rspstub::stub {

class StdioStream {
 public:
  using executor_type = boost::asio::any_io_executor;

  explicit StdioStream(boost::asio::io_context& io) : in_(io, 0), out_(io, 1) {}

  executor_type get_executor() { return in_.get_executor(); }

  template <class Buffers, class Handler>
  auto async_read_some(const Buffers& buffers, Handler&& handler) {
    return in_.async_read_some(buffers, std::forward<Handler>(handler));
  }
  template <class Buffers, class Handler>
  auto async_write_some(const Buffers& buffers, Handler&& handler) {
    return out_.async_write_some(buffers, std::forward<Handler>(handler));
  }
  // Releases (does not close) fds 0 and 1: they belong to the process, not to us.
  void close(boost::system::error_code& ec) {
    in_.cancel(ec);
    out_.cancel(ec);
    in_.release();
    out_.release();
  }

 private:
  boost::asio::posix::stream_descriptor in_;
  boost::asio::posix::stream_descriptor out_;
};

}  // namespace rspstub::stub
#endif
