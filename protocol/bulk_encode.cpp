#include "protocol/bulk_encode.hpp"

#include <cstdint>
#include <cstring>

namespace rspstub::protocol::bulk {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

constexpr bool needs_escape(unsigned char c) noexcept {
  return c == '#' || c == '$' || c == '}' || c == '*';
}

void hex_bytes(const unsigned char* src, std::size_t n, char* out, unsigned& sum) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char b = src[i];  // read before the writes below can reach it
    const char hi = kDigits[b >> 4], lo = kDigits[b & 15];
    out[2 * i] = hi;
    out[2 * i + 1] = lo;
    sum += static_cast<unsigned char>(hi) + static_cast<unsigned char>(lo);
  }
}

char* escape_bytes(const unsigned char* src, std::size_t n, char* out, unsigned& sum) noexcept {
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char b = src[i];
    if (needs_escape(b)) {
      *out++ = '}';
      *out++ = static_cast<char>(b ^ 0x20);
      sum += '}' + (b ^ 0x20u);
    } else {
      *out++ = static_cast<char>(b);
      sum += b;
    }
  }
  return out;
}

#if defined(__GNUC__)
// Vector types of the GCC/Clang extension; lanes wrap on overflow, which is exactly the
// checksum's arithmetic (mod 256).
using u8x16 = unsigned char __attribute__((vector_size(16)));
using u8x8 = unsigned char __attribute__((vector_size(8)));
using u16x8 = std::uint16_t __attribute__((vector_size(16)));

u8x16 load(const unsigned char* p) noexcept {
  u8x16 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

unsigned lane_sum(u8x16 v) noexcept {
  unsigned s = 0;
  for (int i = 0; i < 16; ++i) s += v[i];
  return s;
}

// Bit i set for each byte i of x that is 0xff (x holds only 0x00 and 0xff bytes): the top bits
// of the 8 bytes, gathered into the top byte by one multiplication.
unsigned byte_mask(std::uint64_t x) noexcept {
  return static_cast<unsigned>(((x & 0x8080808080808080ULL) * 0x0002040810204081ULL) >> 56);
}

// Two hex digits per 16-bit lane, little-endian: the high nibble's digit first in memory.
u16x8 hex_pairs(u16x8 w) noexcept {
  const u16x8 hi = w >> 4, lo = w & 15;
  // digit(x) = '0' + x, plus 39 more for 10..15 ('a' - '0' - 10); a lane compare gives all ones.
  const u16x8 dh = hi + '0' + (u16x8)((hi > 9) & 39);
  const u16x8 dl = lo + '0' + (u16x8)((lo > 9) & 39);
  return dh | (dl << 8);
}
#endif

}  // namespace

void encode_hex(const unsigned char* src, std::size_t n, char* out, unsigned& sum) noexcept {
  std::size_t i = 0;
#if defined(__GNUC__)
  u8x16 acc{};
  for (; i + 16 <= n; i += 16) {
    const u8x16 v = load(src + i);
    u8x8 low, high;
    std::memcpy(&low, &v, 8);
    std::memcpy(&high, reinterpret_cast<const char*>(&v) + 8, 8);
    const u16x8 a = hex_pairs(__builtin_convertvector(low, u16x8));
    const u16x8 b = hex_pairs(__builtin_convertvector(high, u16x8));
    std::memcpy(out + 2 * i, &a, 16);
    std::memcpy(out + 2 * i + 16, &b, 16);
    acc += (u8x16)a;
    acc += (u8x16)b;
  }
  sum += lane_sum(acc);
#endif
  hex_bytes(src + i, n - i, out + 2 * i, sum);
}

std::size_t escape_binary(const unsigned char* src, std::size_t n, char* out,
                          unsigned& sum) noexcept {
  char* o = out;
  std::size_t i = 0;
#if defined(__GNUC__)
  u8x16 acc{};
  for (; i + 16 <= n; i += 16) {
    const u8x16 v = load(src + i);
    const u8x16 special = (u8x16)((v == '#') | (v == '$') | (v == '}') | (v == '*'));
    std::uint64_t any[2];
    std::memcpy(any, &special, 16);
    if ((any[0] | any[1]) == 0) {  // the common case: copy the block as it is
      std::memcpy(o, &v, 16);
      o += 16;
      acc += v;
      continue;
    }
    // Copy the runs between the special bytes, escaping each; from the loaded copy, since the
    // escapes may overwrite src's block.
    unsigned char block[16];
    std::memcpy(block, &v, 16);
    unsigned mask = byte_mask(any[0]) | byte_mask(any[1]) << 8;
    std::size_t start = 0;
    acc += v;
    while (mask != 0) {
      const auto p = static_cast<std::size_t>(__builtin_ctz(mask));
      mask &= mask - 1;
      std::memcpy(o, block + start, p - start);
      o += p - start;
      const unsigned char b = block[p];
      o[0] = '}';
      o[1] = static_cast<char>(b ^ 0x20);
      o += 2;
      sum += '}' + (b ^ 0x20u) - b;  // acc already counted b itself
      start = p + 1;
    }
    std::memcpy(o, block + start, 16 - start);
    o += 16 - start;
  }
  sum += lane_sum(acc);
#endif
  o = escape_bytes(src + i, n - i, o, sum);
  return static_cast<std::size_t>(o - out);
}

}  // namespace rspstub::protocol::bulk
