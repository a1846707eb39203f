#include "protocol/reply.hpp"

#include <array>
#include <cstring>

#include "protocol/bulk_encode.hpp"
#include "protocol/copy_placement.hpp"
#include "protocol/hex.hpp"

namespace rspstub::protocol {
namespace {

constexpr bool needs_escape(unsigned char c) noexcept {
  return c == '#' || c == '$' || c == '}' || c == '*';
}

// For each byte: its two hex digits, and the sum of those digits (for the checksum).
struct HexTables {
  std::array<std::array<char, 2>, 256> digits{};
  std::array<std::uint8_t, 256> digit_sum{};
  constexpr HexTables() {
    for (int b = 0; b < 256; ++b) {
      digits[b] = {kHexDigits[b >> 4], kHexDigits[b & 15]};
      digit_sum[b] = static_cast<std::uint8_t>(kHexDigits[b >> 4] + kHexDigits[b & 15]);
    }
  }
};
constexpr HexTables kHex;

// Encodes n bytes from src at out (they may overlap as bulk_encode.hpp allows); returns the end.
char* encode_bulk(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                  StagedEncoding enc) noexcept {
  if (enc == StagedEncoding::hex) return out + bulk::encode_hex_runs(src, n, out, sum);
  return out + bulk::escape_binary_runs(src, n, out, sum);
}

}  // namespace

void ReplyBuffer::reserve(std::size_t n) {
  if (n <= capacity_) return;
  std::size_t cap = capacity_ == 0 ? 256 : capacity_;
  while (cap < n) cap *= 2;
  std::unique_ptr<char[]> bigger(new char[cap]);
  if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = cap;
}

void ReplyBuffer::begin(bool with_ack) {
  size_ = 0;
  if (with_ack) push('+');
  packet_start_ = size_;
  push('$');
  sum_ = 0;
  finished_ = false;
}

void ReplyBuffer::put(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (needs_escape(u)) {
    put_raw('}');
    put_raw(static_cast<char>(u ^ 0x20));
  } else {
    put_raw(c);
  }
}

void ReplyBuffer::put(std::string_view s) {
  for (char c : s) put(c);
}

void ReplyBuffer::put_binary(std::span<const std::byte> bytes) {
  for (std::byte b : bytes) put(static_cast<char>(b));
}

void ReplyBuffer::put_hex(std::span<const std::byte> bytes) {
  for (std::byte b : bytes) {
    const auto v = static_cast<unsigned>(b);
    put_raw(kHex.digits[v][0]);
    put_raw(kHex.digits[v][1]);
  }
}

void ReplyBuffer::put_hex_text(std::string_view text) {
  put_hex(std::as_bytes(std::span<const char>(text.data(), text.size())));
}

void ReplyBuffer::put_hex_number(std::uint64_t v) {
  char tmp[16];
  int n = 0;
  do {
    tmp[n++] = kHexDigits[v & 15];
    v >>= 4;
  } while (v != 0);
  while (n > 0) put_raw(tmp[--n]);
}

void ReplyBuffer::put_error(ErrorCode code, ErrorStyle style) {
  const ErrorInfo& info = error_info(code);
  if (style == ErrorStyle::dot_text) {
    put("E.");
    put(info.message);
    return;
  }
  const auto v = static_cast<unsigned>(code);
  put_raw('E');
  put_raw(kHexDigits[(v >> 4) & 15]);
  put_raw(kHexDigits[v & 15]);
  if (style == ErrorStyle::code_and_hex) {
    put_raw(';');
    put_hex_text(info.message);
  }
}

std::span<std::byte> ReplyBuffer::stage(std::size_t n, std::uint64_t source,
                                        std::string_view prefix) {
  staged_at_ = size_;
  staged_n_ = n;
  staged_prefix_ = prefix;
  // Room for the prefix, the encoded output (<= 2n), the trailing "#cs" and the placement
  // shift; raw bytes go at least n bytes past where the output starts.
  const std::size_t out = staged_at_ + prefix.size();
  reserve(out + 2 * n + 3 + kCopyPlacementSlack);
  staged_raw_ = out + n;
  staged_raw_ += copy_placement_shift(reinterpret_cast<std::uintptr_t>(data_.get() + staged_raw_),
                                      source);
  return {reinterpret_cast<std::byte*>(data_.get() + staged_raw_), n};
}

void ReplyBuffer::encode_staged(std::size_t used, StagedEncoding enc) noexcept {
  const std::size_t n = staged_n_;
  if (used > n) used = n;
  staged_n_ = 0;
  if (used == 0) return;  // nothing read: the payload stays as it was, prefix included
  char* const base = data_.get();
  char* out = base + staged_at_;
  unsigned sum = sum_;
  for (char c : staged_prefix_) {
    *out++ = c;
    sum += static_cast<unsigned char>(c);
  }
  out = encode_bulk(reinterpret_cast<const unsigned char*>(base + staged_raw_), used, out, sum,
                    enc);
  sum_ = static_cast<std::uint8_t>(sum);
  size_ = static_cast<std::size_t>(out - base);
}

void ReplyBuffer::put_encoded(std::span<const std::byte> bytes, StagedEncoding enc) {
  if (bytes.empty()) return;
  reserve(size_ + 2 * bytes.size() + 3);
  unsigned sum = sum_;
  const char* end = encode_bulk(reinterpret_cast<const unsigned char*>(bytes.data()),
                                bytes.size(), data_.get() + size_, sum, enc);
  sum_ = static_cast<std::uint8_t>(sum);
  size_ = static_cast<std::size_t>(end - data_.get());
}

void ReplyBuffer::finish() {
  if (finished_) return;
  const std::uint8_t sum = sum_;
  push('#');
  push(kHexDigits[sum >> 4]);
  push(kHexDigits[sum & 15]);
  finished_ = true;
}

void ReplyBuffer::continue_packet() noexcept {
  size_ = 0;
  packet_start_ = 0;
  staged_n_ = 0;
}

std::string_view ReplyBuffer::payload() const noexcept {
  std::string_view p = packet();
  if (p.size() < 1) return {};
  p.remove_prefix(1);                       // '$'
  if (finished_ && p.size() >= 3) p.remove_suffix(3);  // "#cs"
  return p;
}

}  // namespace rspstub::protocol
