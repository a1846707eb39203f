#include "body_decoder.hpp"

#include <cstring>
#include <string_view>

#include "rsp_codec.hpp"

namespace bench::rsp {
BodyDecoder::BodyDecoder(bool hex, std::size_t prefix, std::vector<std::uint8_t>& out)
    : hex_(hex), out_(out), consumed_(prefix) {}

std::span<const std::uint8_t> BodyDecoder::feed(std::span<const char> body) {
  if (run_length_ || body.size() <= seen_) return {};
  seen_ = body.size();
  return hex_ ? feed_hex(body) : feed_binary(body);
}

// Binary in one pass too: undoing escapes, the checksum and the search for '*' at once.
std::span<const std::uint8_t> BodyDecoder::feed_binary(std::span<const char> body) {
  if (body.size() <= consumed_) return {};  // a prefix that has not all arrived
  if (summed_ < consumed_)                  // a prefix: summed, never decoded
    sum_ += rsp::checksum({body.data() + summed_, consumed_ - summed_});
  const std::string_view raw(body.data() + consumed_, body.size() - consumed_);
  if (out_.size() < produced_ + raw.size())
    out_.resize(produced_ + raw.size() + (raw.size() >> 1));  // rare, amortised
  std::uint8_t* const dest = out_.data() + produced_;
  std::size_t written = 0;
  consumed_ += unescape_summing(raw, dest, &written, sum_);
  summed_ = consumed_;
  produced_ += written;
  if (consumed_ < body.size() && body[consumed_] == '*') run_length_ = true;
  return {dest, written};
}

// Hex in one pass: decoding, the checksum and the search for '*' (not a hex digit) at once.
// The checksum covers exactly the digits decoded: an odd last digit is summed with its pair.
std::span<const std::uint8_t> BodyDecoder::feed_hex(std::span<const char> body) {
  if (body.size() <= consumed_) return {};  // a prefix that has not all arrived
  if (summed_ < consumed_)                  // a prefix: summed, never decoded
    sum_ += rsp::checksum({body.data() + summed_, consumed_ - summed_});
  const std::string_view raw(body.data() + consumed_, body.size() - consumed_);
  if (out_.size() < produced_ + raw.size() / 2)
    out_.resize(produced_ + raw.size() / 2 + (raw.size() >> 2));  // rare, amortised
  std::uint8_t* const dest = out_.data() + produced_;
  const std::size_t digits = hex_decode_summing(raw, dest, sum_);
  consumed_ += digits;
  summed_ = consumed_;
  produced_ += digits / 2;
  if (digits != (raw.size() & ~std::size_t{1})) {
    if (std::memchr(raw.data() + digits, '*', raw.size() - digits) == nullptr)
      throw ProtocolError("non-hex digit in a hex reply");
    run_length_ = true;  // the whole body is decoded again at its end (see run_length())
  }
  return {dest, digits / 2};
}

void BodyDecoder::finish() const {
  if (run_length_ || consumed_ == seen_) return;
  throw ProtocolError(hex_ ? "hex reply of odd length" : "escape '}' at the end of a packet");
}

}  // namespace bench::rsp
