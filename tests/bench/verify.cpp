#include "verify.hpp"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "pattern.h"

namespace bench {
namespace {

[[noreturn]] void report_mismatch(std::uint64_t address, std::span<const std::uint8_t> data,
                                  std::size_t from, const std::string& source) {
  std::size_t i = from;
  while (i < data.size() && data[i] == pattern_byte(address + i)) ++i;
  char text[256];
  std::snprintf(text, sizeof text,
                "VERIFICATION FAILED (%s): byte at 0x%" PRIx64
                " is 0x%02x, expected 0x%02x "
                "(reply of %zu bytes starting at 0x%" PRIx64 ")",
                source.c_str(), address + i, data[i], pattern_byte(address + i), data.size(),
                address);
  throw VerifyError(text);
}

bool needs_escape(std::uint8_t b) { return b == '#' || b == '$' || b == '}' || b == '*'; }

}  // namespace

std::uint8_t pattern_byte(std::uint64_t address) {
  std::uint64_t word = rspstub_bench_word(address & ~std::uint64_t{7});
  std::uint8_t bytes[8];
  std::memcpy(bytes, &word, sizeof bytes);
  return bytes[address & 7];
}

void verify_pattern(std::uint64_t address, std::span<const std::uint8_t> data,
                    const std::string& source) {
  std::size_t i = 0;
  const std::size_t n = data.size();
  for (; i < n && ((address + i) & 7) != 0; ++i)
    if (data[i] != pattern_byte(address + i)) report_mismatch(address, data, i, source);
  // Whole words, a block at a time: no early exit inside a block, so the loop vectorises.
  constexpr std::size_t kBlock = 4096;
  while (i + 8 <= n) {
    std::size_t block = std::min(kBlock, (n - i) / 8 * 8);
    std::uint64_t differ = 0;
    for (std::size_t j = 0; j < block; j += 8) {
      std::uint64_t word;
      std::memcpy(&word, data.data() + i + j, sizeof word);
      differ |= word ^ rspstub_bench_word(address + i + j);
    }
    if (differ != 0) report_mismatch(address, data, i, source);
    i += block;
  }
  for (; i < n; ++i)
    if (data[i] != pattern_byte(address + i)) report_mismatch(address, data, i, source);
}

double escaped_share(std::uint64_t address, std::uint64_t size) {
  std::uint64_t escaped = 0;
  std::uint64_t a = address;
  const std::uint64_t end = address + size;
  for (; a < end && (a & 7) != 0; ++a) escaped += needs_escape(pattern_byte(a));
  for (; a + 8 <= end; a += 8) {
    std::uint8_t bytes[8];
    const std::uint64_t word = rspstub_bench_word(a);
    std::memcpy(bytes, &word, sizeof bytes);
    for (std::uint8_t b : bytes) escaped += needs_escape(b);
  }
  for (; a < end; ++a) escaped += needs_escape(pattern_byte(a));
  return size == 0 ? 0.0 : static_cast<double>(escaped) / static_cast<double>(size);
}

}  // namespace bench
