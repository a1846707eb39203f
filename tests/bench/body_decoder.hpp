// Decodes the body of one `m` (hex) or `x` (escaped binary) reply piece by piece while it
// arrives, so that the benchmark's client checks each piece while the stub is still sending the
// rest, as a fast client would, instead of adding a whole pass over every reply to the time the
// stub waits for its next request. The same decoder serves all three stubs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace bench::rsp {

class BodyDecoder {
 public:
  // `prefix`: leading raw bytes that count for the checksum but carry no data (the `b` of GDB's
  // `x` replies). `out` receives the target bytes; it grows when needed and is reused.
  BodyDecoder(bool hex, std::size_t prefix, std::vector<std::uint8_t>& out);

  // `body`: the whole body received so far, from just after the '$' (prefix included), never
  // the '#'. Decodes what has newly become whole and returns those target bytes (a span into
  // `out`, valid until the next call). A final lone '}' or odd hex digit waits for more. Throws
  // ProtocolError on a bad hex digit. After a run-length marker ('*') it decodes nothing more:
  // see run_length().
  std::span<const std::uint8_t> feed(std::span<const char> body);

  // Throws ProtocolError when the complete body left half a unit ('}' or one hex digit).
  void finish() const;

  // A '*' came: the body must be decoded as a whole (run-length expansion reaches back).
  bool run_length() const { return run_length_; }
  std::uint8_t checksum() const { return static_cast<std::uint8_t>(sum_); }
  std::size_t produced() const { return produced_; }

 private:
  bool hex_;
  std::vector<std::uint8_t>& out_;
  std::span<const std::uint8_t> feed_hex(std::span<const char> body);
  std::span<const std::uint8_t> feed_binary(std::span<const char> body);

  std::size_t seen_ = 0;      // body bytes fed so far
  std::size_t summed_ = 0;    // body bytes added to sum_ (binary: and searched for '*')
  std::size_t consumed_ = 0;  // body bytes decoded
  std::size_t produced_ = 0;  // target bytes written to out_
  unsigned sum_ = 0;
  bool run_length_ = false;
};

}  // namespace bench::rsp
