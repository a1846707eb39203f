#include "protocol/framing.hpp"

#include "protocol/hex.hpp"

namespace rspstub::protocol {

FrameDecoder::FrameDecoder(std::size_t max_payload) : buf_(max_payload, '\0') {}

FrameDecoder::Step FrameDecoder::feed(std::span<const char> in) noexcept {
  std::size_t i = 0;
  while (i < in.size()) {
    const char c = in[i++];
    const auto u = static_cast<std::uint8_t>(c);
    switch (state_) {
      case State::idle:
        if (c == '$') {
          state_ = State::body;
          len_ = 0;
          sum_ = 0;
          dangling_escape_ = false;
        } else if (c == '+') {
          return {i, FrameEvent::ack};
        } else if (c == '-') {
          return {i, FrameEvent::nack};
        } else if (c == '\x03') {
          return {i, FrameEvent::interrupt};
        }
        break;  // anything else between packets is noise
      case State::body:
        if (c == '#') {
          state_ = State::checksum_hi;
        } else if (c == '$') {
          len_ = 0;  // restart: the previous packet was never terminated
          sum_ = 0;
        } else {
          sum_ = static_cast<std::uint8_t>(sum_ + u);
          if (c == '}') {
            state_ = State::escape;
          } else {
            if (len_ == buf_.size()) {
              state_ = State::idle;
              return {i, FrameEvent::overflow};
            }
            buf_[len_++] = c;
          }
        }
        break;
      case State::escape:
        // A raw `#` or `$` always frames: clients never escape 0x03/0x04 (the only bytes that
        // would escape to them), so `}#` is a packet ending in a dangling escape and `}$` a new
        // packet.
        if (c == '$') {
          state_ = State::body;
          len_ = 0;
          sum_ = 0;
          break;
        }
        if (c == '#') {
          dangling_escape_ = true;
          state_ = State::checksum_hi;
          break;
        }
        sum_ = static_cast<std::uint8_t>(sum_ + u);
        if (len_ == buf_.size()) {
          state_ = State::idle;
          return {i, FrameEvent::overflow};
        }
        buf_[len_++] = static_cast<char>(u ^ 0x20);
        state_ = State::body;
        break;
      case State::checksum_hi:
        checksum_hi_ = hex_value(c);
        state_ = State::checksum_lo;
        break;
      case State::checksum_lo: {
        state_ = State::idle;
        const int lo = hex_value(c);
        const bool good = checksum_hi_ >= 0 && lo >= 0 && ((checksum_hi_ << 4) | lo) == sum_;
        const bool dangling = dangling_escape_;
        dangling_escape_ = false;
        if (!good) return {i, FrameEvent::bad_checksum};
        return {i, dangling ? FrameEvent::malformed : FrameEvent::packet};
      }
    }
  }
  return {i, FrameEvent::none};
}

}  // namespace rspstub::protocol
