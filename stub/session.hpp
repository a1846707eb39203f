// One client connection's protocol engine, free of sockets: bytes in, reply bytes out.
// The Asio connection (server.cpp) and the session tests drive it the same way:
//
//   while input remains: step = session.feed(input); send step.output; drop step.consumed bytes;
//                        if step.close, end the connection.
//
// Each step handles at most one event (packet, ack, nack, interrupt), so pipelined requests are
// answered one by one, in order, and the single reply buffer is reused: step.output stays valid
// until the next feed().
#pragma once

#include <cstddef>
#include <span>
#include <string_view>

#include "platform/process.hpp"
#include "protocol/framing.hpp"
#include "protocol/reply.hpp"
#include "stub/config.hpp"
#include "stub/connection_state.hpp"
#include "stub/log.hpp"

namespace rspstub::stub {

class Session {
 public:
  Session(platform::Process& process, const SessionConfig& config, Logger& log);

  struct Step {
    std::size_t consumed = 0;
    std::string_view output;  // bytes to send (may be empty)
    bool close = false;       // end the connection after sending output
  };

  Step feed(std::span<const char> in);

  const ConnectionState& state() const noexcept { return state_; }

 private:
  void handle_packet(std::string_view payload);
  Step reply_step(std::size_t consumed, bool close = false);

  platform::Process& process_;
  const SessionConfig& config_;
  Logger& log_;
  protocol::FrameDecoder decoder_;
  protocol::ReplyBuffer reply_;
  ConnectionState state_;
};

}  // namespace rspstub::stub
