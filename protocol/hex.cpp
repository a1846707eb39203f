#include "protocol/hex.hpp"

namespace rspstub::protocol {

std::optional<std::uint64_t> parse_hex_u64(std::string_view field) noexcept {
  if (field.empty() || field.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : field) {
    int d = hex_value(c);
    if (d < 0) return std::nullopt;
    v = (v << 4) | static_cast<std::uint64_t>(d);
  }
  return v;
}

bool decode_hex(std::string_view text, std::span<std::byte> out) noexcept {
  if (text.size() != out.size() * 2) return false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hex_value(text[2 * i]);
    int lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<std::byte>((hi << 4) | lo);
  }
  return true;
}

void encode_hex(std::span<const std::byte> in, char* out) noexcept {
  for (std::byte b : in) {
    auto v = static_cast<unsigned>(b);
    *out++ = kHexDigits[v >> 4];
    *out++ = kHexDigits[v & 15];
  }
}

}  // namespace rspstub::protocol
