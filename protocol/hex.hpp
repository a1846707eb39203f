// Hex codecs used on the wire. Pure functions, no allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace rspstub::protocol {

inline constexpr char kHexDigits[] = "0123456789abcdef";

// Value of a hex digit (either case), or -1.
constexpr int hex_value(char c) noexcept {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a whole field as an unsigned hex number: 1 to 16 digits, nothing else.
std::optional<std::uint64_t> parse_hex_u64(std::string_view field) noexcept;

// Decodes hex text into bytes; text must be exactly 2 * out.size() hex digits.
bool decode_hex(std::string_view text, std::span<std::byte> out) noexcept;

// Writes 2 * in.size() lower-case hex digits to out (which must be that large).
void encode_hex(std::span<const std::byte> in, char* out) noexcept;

}  // namespace rspstub::protocol
