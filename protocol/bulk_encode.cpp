#include "protocol/bulk_encode.hpp"

#include <cstdint>
#include <cstring>

#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define RSPSTUB_BULK_AVX2 1
#endif

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
// One block of `size` bytes with the special ones marked in `mask` (bit i: byte i): the runs
// between them copied, each special byte escaped. The caller has already added every byte of the
// block to its sum; this adds what escaping changes. Returns the new end of the output.
char* escape_block(const unsigned char* block, std::size_t size, std::uint32_t mask, char* o,
                   unsigned& sum) noexcept {
  std::size_t start = 0;
  while (mask != 0) {
    const auto p = static_cast<std::size_t>(__builtin_ctz(mask));
    mask &= mask - 1;
    std::memcpy(o, block + start, p - start);
    o += p - start;
    const unsigned char b = block[p];
    o[0] = '}';
    o[1] = static_cast<char>(b ^ 0x20);
    o += 2;
    sum += '}' + (b ^ 0x20u) - b;
    start = p + 1;
  }
  std::memcpy(o, block + start, size - start);
  return o + (size - start);
}

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


#if RSPSTUB_BULK_AVX2
// 32 bytes at a time with AVX2; these return how much of the input they did (whole blocks only)
// and leave the rest to the portable code. The byte sums go through vpsadbw into 64-bit lanes.

__attribute__((target("avx2"))) unsigned sum_lanes(__m256i sums) noexcept {
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sums);
  return static_cast<unsigned>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
}

// Two hex digits per 16-bit lane, the high nibble's digit first in memory.
__attribute__((target("avx2"))) __m256i hex_digit_pairs(__m128i bytes) noexcept {
  const __m256i w = _mm256_cvtepu8_epi16(bytes);
  const __m256i nine = _mm256_set1_epi16(9), zero = _mm256_set1_epi16('0');
  const __m256i gap = _mm256_set1_epi16('a' - '0' - 10);
  const __m256i hi = _mm256_srli_epi16(w, 4);
  const __m256i lo = _mm256_and_si256(w, _mm256_set1_epi16(15));
  const __m256i dh = _mm256_add_epi16(_mm256_add_epi16(hi, zero),
                                      _mm256_and_si256(_mm256_cmpgt_epi16(hi, nine), gap));
  const __m256i dl = _mm256_add_epi16(_mm256_add_epi16(lo, zero),
                                      _mm256_and_si256(_mm256_cmpgt_epi16(lo, nine), gap));
  return _mm256_or_si256(dh, _mm256_slli_epi16(dl, 8));
}

__attribute__((target("avx2"))) std::size_t hex_blocks_avx2(const unsigned char* src,
                                                            std::size_t n, char* out,
                                                            unsigned& sum) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  __m256i sums = zero;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    // Both halves are loaded before either output is stored (in place, see the header).
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i));
    const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i + 16));
    const __m256i da = hex_digit_pairs(a), db = hex_digit_pairs(b);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i), da);
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + 2 * i + 32), db);
    sums = _mm256_add_epi64(sums, _mm256_add_epi64(_mm256_sad_epu8(da, zero),
                                                   _mm256_sad_epu8(db, zero)));
  }
  sum += sum_lanes(sums);
  return i;
}

__attribute__((target("avx2"))) std::size_t escape_blocks_avx2(const unsigned char* src,
                                                               std::size_t n, char*& o,
                                                               unsigned& sum) noexcept {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i hash = _mm256_set1_epi8('#'), dollar = _mm256_set1_epi8('$');
  const __m256i brace = _mm256_set1_epi8('}'), star = _mm256_set1_epi8('*');
  __m256i sums = zero;
  std::size_t i = 0;
  for (; i + 32 <= n; i += 32) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i));
    const __m256i special =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, hash), _mm256_cmpeq_epi8(v, dollar)),
                        _mm256_or_si256(_mm256_cmpeq_epi8(v, brace), _mm256_cmpeq_epi8(v, star)));
    auto mask = static_cast<std::uint32_t>(_mm256_movemask_epi8(special));
    sums = _mm256_add_epi64(sums, _mm256_sad_epu8(v, zero));
    if (mask == 0) {  // the common case: the block as it is
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(o), v);
      o += 32;
      continue;
    }
    // From the loaded copy, since the escapes may overwrite src's block.
    alignas(32) unsigned char block[32];
    _mm256_store_si256(reinterpret_cast<__m256i*>(block), v);
    o = escape_block(block, 32, mask, o, sum);
  }
  sum += sum_lanes(sums);
  return i;
}
#endif

bool use_avx2(Path path) noexcept {
#if RSPSTUB_BULK_AVX2
  return path != Path::portable && avx2_available();
#else
  (void)path;
  return false;
#endif
}

}  // namespace

bool avx2_available() noexcept {
#if RSPSTUB_BULK_AVX2
  static const bool yes = __builtin_cpu_supports("avx2");
  return yes;
#else
  return false;
#endif
}

void encode_hex(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                Path path) noexcept {
  std::size_t i = 0;
#if RSPSTUB_BULK_AVX2
  if (use_avx2(path)) i = hex_blocks_avx2(src, n, out, sum);
#else
  (void)path;
#endif
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

namespace {

constexpr std::size_t kRunBlock = 32;  // runs are looked for a whole block at a time

// The 32 bytes at p are all b.
bool uniform_block(const unsigned char* p, unsigned char b) noexcept {
  std::uint64_t w[4];
  std::memcpy(w, p, sizeof w);
  const std::uint64_t all = 0x0101010101010101ull * b;
  return ((w[0] ^ all) | (w[1] ^ all) | (w[2] ^ all) | (w[3] ^ all)) == 0;
}

// Whether a run of b is one hex digit repeated (the only kind of run RSP can compress).
constexpr bool one_digit(unsigned char b) noexcept { return (b >> 4) == (b & 15); }

// A repeat count n travels as the character n + 29; these would be read as framing, escapes or
// acks by some client: '#' (6), '$' (7), '*' (13), '+' (14), '-' (16), '}' (96).
constexpr bool unsafe_count(std::size_t n) noexcept {
  return n == 6 || n == 7 || n == 13 || n == 14 || n == 16 || n == 96;
}
constexpr std::size_t kMaxCount = 97;  // '~', the last printable character

// `length` copies of c (a hex digit, or a byte that needs no escape), run-length encoded.
char* put_run(char c, std::size_t length, char* o, unsigned& sum) noexcept {
  while (length > 0) {
    *o++ = c;
    sum += static_cast<unsigned char>(c);
    --length;
    if (length < 3) {  // "c*" and a count would not be shorter
      for (; length > 0; --length) {
        *o++ = c;
        sum += static_cast<unsigned char>(c);
      }
      break;
    }
    std::size_t count = length < kMaxCount ? length : kMaxCount;
    while (unsafe_count(count)) --count;  // 3, 4 and 5 are safe: this ends
    const char code = static_cast<char>(count + 29);
    *o++ = '*';
    *o++ = code;
    sum += '*' + static_cast<unsigned char>(code);
    length -= count;
  }
  return o;
}

// The loop both run-length encoders share. A run is looked for a block at a time: a block whose
// bytes are all one byte b with may_run(b). It then reaches back over equal bytes before the
// block and on over the blocks and bytes after it, and goes out as put_run(run_char(b), length
// in characters); the bytes between runs go through encode_plain(src, n, out), which returns
// the new end. Everything is read before it is written over: the output, at most two characters
// per byte consumed, stays behind the input as the plain encoders' does.
template <class MayRun, class RunChar, class EncodePlain>
std::size_t encode_with_runs(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                             std::size_t chars_per_byte, MayRun may_run, RunChar run_char,
                             EncodePlain encode_plain) noexcept {
  char* o = out;
  std::size_t plain = 0;  // where the bytes not yet encoded start
  std::size_t at = 0;     // the next block looked at
  while (at + kRunBlock <= n) {
    const unsigned char b = src[at];
    // The block's last byte first: most blocks of data fail there, at the cost of one load
    // (the whole-block test on every block cost bulk x 10-25% on the benchmark's pattern).
    if (!may_run(b) || src[at + kRunBlock - 1] != b || !uniform_block(src + at, b)) {
      at += kRunBlock;
      continue;
    }
    std::size_t start = at;
    while (start > plain && src[start - 1] == b) --start;
    std::size_t end = at + kRunBlock;
    while (end + kRunBlock <= n && uniform_block(src + end, b)) end += kRunBlock;
    while (end < n && src[end] == b) ++end;
    o = encode_plain(src + plain, start - plain, o);
    o = put_run(run_char(b), chars_per_byte * (end - start), o, sum);
    plain = at = end;
  }
  return static_cast<std::size_t>(encode_plain(src + plain, n - plain, o) - out);
}

}  // namespace

std::size_t encode_hex_runs(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                            Path path) noexcept {
  return encode_with_runs(
      src, n, out, sum, 2, one_digit, [](unsigned char b) { return kDigits[b & 15]; },
      [&](const unsigned char* s, std::size_t len, char* o) {
        encode_hex(s, len, o, sum, path);
        return o + 2 * len;
      });
}

std::size_t escape_binary_runs(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                               Path path) noexcept {
  return encode_with_runs(
      src, n, out, sum, 1, [](unsigned char b) { return !needs_escape(b); },
      [](unsigned char b) { return static_cast<char>(b); },
      [&](const unsigned char* s, std::size_t len, char* o) {
        return o + escape_binary(s, len, o, sum, path);
      });
}

std::size_t escape_binary(const unsigned char* src, std::size_t n, char* out, unsigned& sum,
                          Path path) noexcept {
  char* o = out;
  std::size_t i = 0;
#if RSPSTUB_BULK_AVX2
  if (use_avx2(path)) i = escape_blocks_avx2(src, n, o, sum);
#else
  (void)path;
#endif
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
    // From the loaded copy, since the escapes may overwrite src's block.
    unsigned char block[16];
    std::memcpy(block, &v, 16);
    acc += v;
    o = escape_block(block, 16, byte_mask(any[0]) | byte_mask(any[1]) << 8, o, sum);
  }
  sum += lane_sum(acc);
#endif
  o = escape_bytes(src + i, n - i, o, sum);
  return static_cast<std::size_t>(o - out);
}

}  // namespace rspstub::protocol::bulk
