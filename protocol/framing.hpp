// Incremental decoder for what a client sends: `$payload#cs` packets, `+`/`-` acks and the
// `0x03` interrupt byte. Bytes may arrive split anywhere; the decoder keeps state between calls.
//
// - The payload is unescaped (`}` x -> x ^ 0x20) as it is read; the checksum is checked over the
//   bytes as sent. Clients do not send run-length encoding, so `*` is an ordinary byte.
// - Bytes outside a packet other than `$`, `+`, `-`, 0x03 are skipped (line noise).
// - A `$` inside a packet starts the packet over (the earlier one was never terminated), even
//   right after a `}`; a `#` right after a `}` ends the packet as malformed.
// - A payload longer than `max_payload` yields `overflow` at once: the caller must drop the
//   connection. The decoder never holds more than max_payload bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace rspstub::protocol {

enum class FrameEvent : std::uint8_t {
  none,          // input exhausted without completing an event
  packet,        // a complete packet with a good checksum; see payload()
  ack,           // `+`
  nack,          // `-`: the client wants the last reply again
  interrupt,     // 0x03 outside a packet
  bad_checksum,  // a complete packet whose checksum did not match (payload() still valid)
  malformed,     // a complete packet ending in a dangling `}` escape (`}#`)
  overflow,      // the packet outgrew max_payload
};

class FrameDecoder {
 public:
  explicit FrameDecoder(std::size_t max_payload);

  struct Step {
    std::size_t consumed;  // bytes of `in` used, up to and including the event's last byte
    FrameEvent event;
  };

  // Consumes input up to the first complete event (or all of it).
  Step feed(std::span<const char> in) noexcept;

  // The last packet's unescaped payload; valid until the next feed().
  std::string_view payload() const noexcept { return {buf_.data(), len_}; }

  // True while a packet has started but not ended.
  bool in_packet() const noexcept { return state_ != State::idle; }
  std::size_t max_payload() const noexcept { return buf_.size(); }

 private:
  enum class State : std::uint8_t { idle, body, escape, checksum_hi, checksum_lo };

  std::string buf_;  // fixed size max_payload; len_ bytes used
  std::size_t len_ = 0;
  State state_ = State::idle;
  std::uint8_t sum_ = 0;
  int checksum_hi_ = 0;
  bool dangling_escape_ = false;
};

}  // namespace rspstub::protocol
