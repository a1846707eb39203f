// Builds one outgoing packet in a reusable buffer: optional leading `+` ack, `$`, payload,
// `#cs`. The checksum is accumulated while the payload is written, so finish() is O(1).
//
// The memory-read hot path is zero-copy: stage(n) hands out room for n raw bytes placed so that
// encode_staged() can hex-encode or binary-escape them *in place*, front to back, into their
// final position (the raw bytes sit at least n bytes further on; the output, at most 2 bytes per
// input byte, never overtakes the input still to be read).
//
// Stub -> client escaping: `#`, `$`, `}` and `*` become `}` + (byte ^ 0x20) (`*` because clients
// decode run-length encoding in replies).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "protocol/errors.hpp"

namespace rspstub::protocol {

enum class StagedEncoding : std::uint8_t { hex, binary };

// How errors are written; chosen per connection by what the client negotiated.
enum class ErrorStyle : std::uint8_t {
  code_only,     // E NN
  code_and_hex,  // E NN;<hex text>   (after QEnableErrorStrings)
  dot_text,      // E.<text>          (client's qSupported had error-message+)
};

class ReplyBuffer {
 public:
  ReplyBuffer() { reserve(256); }

  // Starts a new packet, dropping the previous one.
  void begin(bool with_ack);

  void put(char c);                      // escaped as needed
  void put(std::string_view s);          // escaped as needed
  void put_binary(std::span<const std::byte> bytes);  // escaped as needed
  void put_hex(std::span<const std::byte> bytes);
  void put_hex_text(std::string_view text);           // each char as two hex digits
  void put_hex_number(std::uint64_t v);  // minimal digits, lower case ("0" for 0)
  void put_error(ErrorCode code, ErrorStyle style);

  // Zero-copy staging (see above). stage() invalidates earlier spans. `prefix` (e.g. "b") is
  // written before the data only if encode_staged() gets at least one byte, so a failed read
  // leaves the payload as it was and an error reply can follow. `source` is the address the
  // bytes will be copied from: the span is placed half a page from it modulo 4 KiB (see
  // protocol/copy_placement.hpp), which keeps the kernel's copy at full speed.
  std::span<std::byte> stage(std::size_t n, std::uint64_t source, std::string_view prefix = {});
  // Encodes the first `used` (<= n) staged bytes in place and appends them to the payload.
  void encode_staged(std::size_t used, StagedEncoding enc) noexcept;
  // Encodes bytes read elsewhere (not staged) and appends them to the payload.
  void put_encoded(std::span<const std::byte> bytes, StagedEncoding enc);

  void finish();

  // Streaming one long packet in pieces (the payload is still one packet on the wire):
  // take_partial() hands out what has been written so far, unfinished; once the caller has sent
  // it, continue_packet() empties the buffer for the next piece while keeping the running
  // checksum, and finish() ends the packet with the checksum of all of it. A streamed packet
  // cannot be sent again (packet() then holds only its last piece): stream only without acks.
  std::string_view take_partial() noexcept { return wire(); }
  void continue_packet() noexcept;

  // The whole packet as it goes on the wire (with the leading ack if any).
  std::string_view wire() const noexcept { return {data_.get(), size_}; }
  // The packet without its leading ack: what a `-` asks to be sent again.
  std::string_view packet() const noexcept { return wire().substr(packet_start_); }
  // The payload (between `$` and `#`), as escaped on the wire.
  std::string_view payload() const noexcept;
  bool empty() const noexcept { return size_ == 0; }
  std::size_t capacity() const noexcept { return capacity_; }

 private:
  // Grows without initialising: the hot path writes every byte it hands out.
  void reserve(std::size_t n);
  void push(char c) {
    if (size_ == capacity_) reserve(size_ + 1);
    data_[size_++] = c;
  }
  void put_raw(char c) {
    push(c);
    sum_ = static_cast<std::uint8_t>(sum_ + static_cast<std::uint8_t>(c));
  }

  std::unique_ptr<char[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
  std::size_t packet_start_ = 0;
  std::size_t staged_at_ = 0;  // where stage() placed the output position
  std::size_t staged_n_ = 0;
  std::size_t staged_raw_ = 0;  // where the staged raw bytes start
  std::string_view staged_prefix_;
  std::uint8_t sum_ = 0;
  bool finished_ = false;
};

}  // namespace rspstub::protocol
