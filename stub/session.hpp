// One client connection's protocol engine, free of sockets: bytes in, reply bytes out.
// The Asio connection (server.cpp) and the session tests drive it the same way:
//
//   while input remains: step = session.feed(input); send step.output; drop step.consumed bytes;
//                        while step.more: step = session.continue_reply(); send step.output;
//                        if step.close, end the connection.
//
// Each step handles at most one event (packet, ack, nack, interrupt), so pipelined requests are
// answered one by one, in order, and the single reply buffer is reused: step.output stays valid
// until the next feed() or target_stopped().
//
// Run control is asynchronous: a resume (c, s, vCont, ...) is acked but not answered. Its stop
// reply comes from target_stopped(), which the owner calls when the Target recorded an event
// (and never while a previous step's output is still being written). Meanwhile feed() goes on
// answering other packets; 0x03 and vCtrlC interrupt the running process.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string_view>

#include "platform/process.hpp"
#include "protocol/framing.hpp"
#include "protocol/reply.hpp"
#include "stub/config.hpp"
#include "stub/connection_state.hpp"
#include "stub/log.hpp"
#include "stub/read_ahead.hpp"
#include "stub/speculative_read.hpp"
#include "stub/target.hpp"

namespace rspstub::stub {

class Session {
 public:
  Session(Target& target, const SessionConfig& config, Logger& log);
  // Inspection of `process` (--no-stop), with a Target of the session's own.
  Session(platform::Process& process, const SessionConfig& config, Logger& log);
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  struct Step {
    std::size_t consumed = 0;
    std::string_view output;  // bytes to send (may be empty)
    bool close = false;       // end the connection after sending output
    bool more = false;        // output is part of a reply: send it, then call continue_reply()
  };

  Step feed(std::span<const char> in);

  // The Target has recorded an event (target().last_stop()). If this session is waiting for a
  // stop, returns its stop reply (consumed = 0) and stops waiting; otherwise no output.
  Step target_stopped();
  // The next piece of a reply that a previous step left unfinished (step.more), once that
  // step's output has been sent. Nothing else may be fed or sent in between.
  Step continue_reply();
  // The connection is ending: a reply still being streamed will not be continued, and its read
  // ahead (if any) is waited for, so nothing reads the process after this returns.
  void abandon_reply();
  // Waits for the read ahead of a streamed reply, if one is in flight, so that another part of
  // the stub may use the process; the reply goes on (its next piece is read when it is asked for).
  // A speculative reply (see speculate()) is dropped too: whatever the server does next with
  // the process may change its memory.
  void quiesce() {
    read_ahead_.drop();
    speculation_.drop();
  }
  // The connection is idle, waiting for the next request: if the last reply was a whole bulk
  // read (m/x) of a stopped process, reads and encodes (the start of) the read that usually
  // follows (the same length, right after it), so that its reply goes out at once if it is
  // asked for (stub/speculative_read.hpp has the freshness rule). Does nothing otherwise.
  void speculate();
  const SpeculativeRead& speculation() const noexcept { return speculation_; }
  // True while a resume of this session awaits its stop.
  bool awaiting_stop() const noexcept { return state_.awaiting_stop; }

  const ConnectionState& state() const noexcept { return state_; }

 private:
  void handle_packet(std::string_view payload);
  Step reply_step(std::size_t consumed, bool close = false);

  std::optional<Target> own_target_;  // for the inspection-only constructor
  Target& target_;
  bool resendable_ = false;  // reply_ holds a finished reply a `-` may ask for again
  const SessionConfig& config_;
  Logger& log_;
  protocol::FrameDecoder decoder_;
  protocol::ReplyBuffer reply_;
  ConnectionState state_;
  SpeculativeRead speculation_;
  ReadAhead read_ahead_;  // last: destroyed first, so its worker never outlives the session
};

}  // namespace rspstub::stub
