#include "body_decoder.hpp"

#include <cstring>
#include <string_view>

#include "rsp_codec.hpp"

namespace bench::rsp {
namespace {

// Copies raw[0, n) to out undoing '}' escapes, stopping before a final lone '}'. Returns the raw
// bytes consumed; *written gets the bytes written (never more than consumed).
std::size_t unescape_prefix(const char* raw, std::size_t n, std::uint8_t* out,
                            std::size_t* written) {
  std::size_t in = 0, w = 0;
  while (in < n) {
    const void* hit = std::memchr(raw + in, '}', n - in);
    const std::size_t plain =
        hit == nullptr ? n - in : static_cast<std::size_t>(static_cast<const char*>(hit) - raw) - in;
    std::memcpy(out + w, raw + in, plain);
    w += plain;
    in += plain;
    if (in == n) break;
    if (in + 1 == n) break;  // '}' whose escaped byte has not arrived
    out[w++] = static_cast<std::uint8_t>(raw[in + 1] ^ 0x20);
    in += 2;
  }
  *written = w;
  return in;
}

}  // namespace

BodyDecoder::BodyDecoder(bool hex, std::size_t prefix, std::vector<std::uint8_t>& out)
    : hex_(hex), out_(out), consumed_(prefix) {}

std::span<const std::uint8_t> BodyDecoder::feed(std::span<const char> body) {
  if (run_length_ || body.size() <= seen_) return {};
  seen_ = body.size();
  return hex_ ? feed_hex(body) : feed_binary(body);
}

std::span<const std::uint8_t> BodyDecoder::feed_binary(std::span<const char> body) {
  const std::string_view fresh(body.data() + summed_, body.size() - summed_);
  if (std::memchr(fresh.data(), '*', fresh.size()) != nullptr) run_length_ = true;
  sum_ += rsp::checksum(fresh);
  summed_ = body.size();
  if (run_length_ || body.size() <= consumed_) return {};

  const char* raw = body.data() + consumed_;
  const std::size_t n = body.size() - consumed_;
  if (out_.size() < produced_ + n) out_.resize(produced_ + n + (n >> 1));  // rare, amortised
  std::uint8_t* const dest = out_.data() + produced_;
  std::size_t written = 0;
  consumed_ += unescape_prefix(raw, n, dest, &written);
  produced_ += written;
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
