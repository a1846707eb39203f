// How a stub encodes reply data, for the benchmark client's tests: hex for `m`, escaped binary
// for `x`. Written from the protocol's rules, independently of the client's decoder.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench::test {

inline std::string hex_of(const std::vector<std::uint8_t>& bytes) {
  static const char digits[] = "0123456789abcdef";
  std::string text;
  for (std::uint8_t b : bytes) {
    text.push_back(digits[b >> 4]);
    text.push_back(digits[b & 15]);
  }
  return text;
}

// '#', '$', '}' and '*' become '}' and the byte xor 0x20.
inline std::string escaped(const std::vector<std::uint8_t>& bytes) {
  std::string raw;
  for (std::uint8_t b : bytes) {
    if (b == '#' || b == '$' || b == '}' || b == '*') {
      raw.push_back('}');
      raw.push_back(static_cast<char>(b ^ 0x20));
    } else {
      raw.push_back(static_cast<char>(b));
    }
  }
  return raw;
}

}  // namespace bench::test
