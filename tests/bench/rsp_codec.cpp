#include "rsp_codec.hpp"

#include <array>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__)
#include <immintrin.h>
#define BENCH_HEX_AVX2 1
#endif
#include <cstring>

namespace bench::rsp {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

constexpr std::array<std::int8_t, 256> make_hex_table() {
  std::array<std::int8_t, 256> table{};
  for (auto& v : table) v = -1;
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<std::int8_t>(i);
  for (int i = 0; i < 6; ++i) {
    table['a' + i] = static_cast<std::int8_t>(10 + i);
    table['A' + i] = static_cast<std::int8_t>(10 + i);
  }
  return table;
}
constexpr auto kHexTable = make_hex_table();

int hex_value(char c) { return kHexTable[static_cast<unsigned char>(c)]; }

// `c*N`: N is a printable count byte; the run holds N - 29 more copies of c.
void expand_runs(std::string_view raw, std::string& out) {
  out.clear();
  out.reserve(raw.size() * 2);
  while (!raw.empty()) {
    std::size_t star = raw.find('*');
    out.append(raw.substr(0, star));
    if (star == std::string_view::npos) break;
    if (out.empty() || star + 1 >= raw.size())
      throw ProtocolError("run-length marker '*' without a character or a count");
    int count = static_cast<unsigned char>(raw[star + 1]) - 29;
    if (count < 1) throw ProtocolError("run-length count below 1");  // as gdb checks
    out.append(static_cast<std::size_t>(count), out.back());
    raw.remove_prefix(star + 2);
  }
}

// The sum of the bytes, not reduced (the checksum is its low byte).
std::uint64_t byte_sum(std::string_view bytes) {
  std::uint64_t sum = 0;
  std::size_t i = 0;
#if defined(__SSE2__)
  // psadbw adds 8 bytes into each 64-bit lane.
  __m128i lanes = _mm_setzero_si128();
  for (; i + 16 <= bytes.size(); i += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes.data() + i));
    lanes = _mm_add_epi64(lanes, _mm_sad_epu8(v, _mm_setzero_si128()));
  }
  sum = static_cast<std::uint64_t>(_mm_cvtsi128_si64(lanes)) +
        static_cast<std::uint64_t>(_mm_cvtsi128_si64(_mm_unpackhi_epi64(lanes, lanes)));
#endif
  for (; i < bytes.size(); ++i) sum += static_cast<unsigned char>(bytes[i]);
  return sum;
}

// Decodes 32 hex digits into 16 bytes with SSE2; false if any is not a hex digit.
#if defined(__SSE2__)
bool hex_decode_32(const char* in, std::uint8_t* out) {
  auto nibbles = [](__m128i v, __m128i& bad) {
    const __m128i lower = _mm_or_si128(v, _mm_set1_epi8(0x20));
    // Signed compares are fine: every byte of interest is below 0x80.
    __m128i digit = _mm_and_si128(_mm_cmpgt_epi8(v, _mm_set1_epi8('0' - 1)),
                                  _mm_cmplt_epi8(v, _mm_set1_epi8('9' + 1)));
    __m128i alpha = _mm_and_si128(_mm_cmpgt_epi8(lower, _mm_set1_epi8('a' - 1)),
                                  _mm_cmplt_epi8(lower, _mm_set1_epi8('f' + 1)));
    bad = _mm_or_si128(bad, _mm_andnot_si128(_mm_or_si128(digit, alpha), _mm_set1_epi8(-1)));
    __m128i from_digit = _mm_and_si128(digit, _mm_sub_epi8(v, _mm_set1_epi8('0')));
    __m128i from_alpha = _mm_and_si128(alpha, _mm_sub_epi8(lower, _mm_set1_epi8('a' - 10)));
    return _mm_or_si128(from_digit, from_alpha);
  };
  // Each 16-bit lane holds (high nibble, low nibble) as (low byte, high byte).
  auto pairs = [](__m128i n) {
    return _mm_or_si128(_mm_slli_epi16(_mm_and_si128(n, _mm_set1_epi16(0x00ff)), 4),
                        _mm_srli_epi16(n, 8));
  };
  __m128i bad = _mm_setzero_si128();
  __m128i a = nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in)), bad);
  __m128i b = nibbles(_mm_loadu_si128(reinterpret_cast<const __m128i*>(in + 16)), bad);
  if (_mm_movemask_epi8(bad) != 0) return false;
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out), _mm_packus_epi16(pairs(a), pairs(b)));
  return true;
}
#endif

#if BENCH_HEX_AVX2
// Digit values of 32 characters, marking in `bad` every byte that is not a hex digit.
__attribute__((target("avx2"))) __m256i nibbles_avx2(__m256i v, __m256i& bad) {
  const __m256i lower = _mm256_or_si256(v, _mm256_set1_epi8(0x20));
  // Signed compares are fine: every byte of interest is below 0x80 (the rest fail both ranges).
  const __m256i digit = _mm256_and_si256(_mm256_cmpgt_epi8(v, _mm256_set1_epi8('0' - 1)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8('9' + 1), v));
  const __m256i alpha = _mm256_and_si256(_mm256_cmpgt_epi8(lower, _mm256_set1_epi8('a' - 1)),
                                         _mm256_cmpgt_epi8(_mm256_set1_epi8('f' + 1), lower));
  const __m256i ok = _mm256_or_si256(digit, alpha);
  bad = _mm256_or_si256(bad, _mm256_andnot_si256(ok, _mm256_set1_epi8(-1)));
  return _mm256_or_si256(_mm256_and_si256(digit, _mm256_sub_epi8(v, _mm256_set1_epi8('0'))),
                         _mm256_and_si256(alpha, _mm256_sub_epi8(lower, _mm256_set1_epi8('a' - 10))));
}

// 64 digits at a time while all are hex; returns the digits done, their sum added to `sum`.
__attribute__((target("avx2"))) std::size_t hex_decode_summing_avx2(const char* in,
                                                                    std::size_t digits,
                                                                    std::uint8_t* out,
                                                                    unsigned& sum) {
  const __m256i zero = _mm256_setzero_si256();
  // (first digit) * 16 + (second digit) in each 16-bit lane: the first is the high nibble.
  const __m256i weights = _mm256_set1_epi16(0x0110);
  __m256i sums = zero;
  std::size_t i = 0;
  for (; i + 64 <= digits; i += 64) {
    const __m256i a = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i));
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(in + i + 32));
    __m256i bad = zero;
    const __m256i na = nibbles_avx2(a, bad), nb = nibbles_avx2(b, bad);
    if (!_mm256_testz_si256(bad, bad)) break;  // the caller's slower loops find the culprit
    sums = _mm256_add_epi64(sums, _mm256_add_epi64(_mm256_sad_epu8(a, zero),
                                                   _mm256_sad_epu8(b, zero)));
    // packus works within 128-bit halves: put the four 64-bit results back in order.
    const __m256i bytes = _mm256_packus_epi16(_mm256_maddubs_epi16(na, weights),
                                              _mm256_maddubs_epi16(nb, weights));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + i / 2),
                        _mm256_permute4x64_epi64(bytes, 0xd8));
  }
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sums);
  sum += static_cast<unsigned>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
  return i;
}
#endif

#if BENCH_HEX_AVX2
// 32 raw bytes at a time: a block with no '}' and no '*' is summed and stored whole; in one
// with either, the bytes before it are, then the escape is undone (or the '*' stops the pass).
// Stops where fewer than 33 raw bytes are left (an escape's pair may need the 33rd): the
// caller's scalar loop does the rest. Returns the raw bytes consumed; *written the bytes out.
__attribute__((target("avx2"))) std::size_t unescape_summing_avx2(const char* raw, std::size_t n,
                                                                  std::uint8_t* out,
                                                                  std::size_t* written,
                                                                  unsigned& sum) {
  const __m256i zero = _mm256_setzero_si256();
  const __m256i brace = _mm256_set1_epi8('}'), star = _mm256_set1_epi8('*');
  __m256i sums = zero;
  std::size_t in = 0, w = 0;
  while (in + 33 <= n) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(raw + in));
    const auto special = static_cast<std::uint32_t>(_mm256_movemask_epi8(
        _mm256_or_si256(_mm256_cmpeq_epi8(v, brace), _mm256_cmpeq_epi8(v, star))));
    // The whole block goes out: past the first special byte it is overwritten or not counted.
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(out + w), v);
    if (special == 0) {
      sums = _mm256_add_epi64(sums, _mm256_sad_epu8(v, zero));
      in += 32;
      w += 32;
      continue;
    }
    const auto plain = static_cast<std::size_t>(__builtin_ctz(special));
    for (std::size_t i = 0; i < plain; ++i) sum += static_cast<unsigned char>(raw[in + i]);
    in += plain;
    w += plain;
    if (raw[in] == '*') break;
    sum += static_cast<unsigned char>('}') + static_cast<unsigned char>(raw[in + 1]);
    out[w++] = static_cast<std::uint8_t>(raw[in + 1] ^ 0x20);
    in += 2;
  }
  alignas(32) std::uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), sums);
  sum += static_cast<unsigned>(lanes[0] + lanes[1] + lanes[2] + lanes[3]);
  *written = w;
  return in;
}
#endif

}  // namespace

std::size_t unescape_summing(std::string_view raw, std::uint8_t* out, std::size_t* written,
                             unsigned& sum) {
  const char* const p = raw.data();
  const std::size_t n = raw.size();
  std::size_t in = 0, w = 0;
#if BENCH_HEX_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) in = unescape_summing_avx2(p, n, out, &w, sum);
  if (in < n && p[in] == '*') {
    *written = w;
    return in;
  }
#endif
  while (in < n) {
    const char c = p[in];
    if (c == '*') break;
    if (c == '}') {
      if (in + 1 == n) break;  // its escaped byte has not arrived
      sum += static_cast<unsigned char>(c) + static_cast<unsigned char>(p[in + 1]);
      out[w++] = static_cast<std::uint8_t>(p[in + 1] ^ 0x20);
      in += 2;
      continue;
    }
    sum += static_cast<unsigned char>(c);
    out[w++] = static_cast<std::uint8_t>(c);
    ++in;
  }
  *written = w;
  return in;
}

std::size_t hex_decode_summing(std::string_view hex, std::uint8_t* out, unsigned& sum) {
  const char* const p = hex.data();
  const std::size_t digits = hex.size() & ~std::size_t{1};
  std::size_t i = 0;  // digits done
#if BENCH_HEX_AVX2
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) i = hex_decode_summing_avx2(p, digits, out, sum);
#endif
#if defined(__SSE2__)
  for (; i + 32 <= digits; i += 32) {
    if (!hex_decode_32(p + i, out + i / 2)) break;  // the scalar loop finds the culprit
    sum += static_cast<unsigned>(byte_sum({p + i, 32}));
  }
#endif
  for (; i < digits; i += 2) {
    const int hi = hex_value(p[i]);
    const int lo = hex_value(p[i + 1]);
    if ((hi | lo) < 0) break;
    out[i / 2] = static_cast<std::uint8_t>(hi << 4 | lo);
    sum += static_cast<unsigned char>(p[i]) + static_cast<unsigned char>(p[i + 1]);
  }
  return i;
}

std::uint8_t checksum(std::string_view bytes) {
  return static_cast<std::uint8_t>(byte_sum(bytes));
}

void append_frame(std::string& out, std::string_view payload) {
  std::uint8_t cs = checksum(payload);
  out.push_back('$');
  out.append(payload);
  out.push_back('#');
  out.push_back(kHexDigits[cs >> 4]);
  out.push_back(kHexDigits[cs & 15]);
}

std::size_t unescape_in_place(char* data, std::size_t size) {
  char* const end = data + size;
  char* read = static_cast<char*>(std::memchr(data, '}', size));
  if (read == nullptr) return size;
  char* write = read;
  while (read != end) {
    // read is at a '}'.
    if (read + 1 == end) throw ProtocolError("escape '}' at the end of a packet");
    *write++ = static_cast<char>(read[1] ^ 0x20);
    read += 2;
    char* next = static_cast<char*>(std::memchr(read, '}', static_cast<std::size_t>(end - read)));
    if (next == nullptr) next = end;
    std::size_t plain = static_cast<std::size_t>(next - read);
    std::memmove(write, read, plain);
    write += plain;
    read = next;
  }
  return static_cast<std::size_t>(write - data);
}

std::string_view decode_payload(std::span<char> raw, std::string& scratch) {
  if (std::memchr(raw.data(), '*', raw.size()) == nullptr)
    return {raw.data(), unescape_in_place(raw.data(), raw.size())};
  expand_runs({raw.data(), raw.size()}, scratch);
  scratch.resize(unescape_in_place(scratch.data(), scratch.size()));
  return scratch;
}

std::optional<int> parse_error(std::string_view payload) {
  if (payload.size() >= 2 && payload[0] == 'E' && payload[1] == '.') return -1;  // E.text
  if (payload.size() < 3 || payload[0] != 'E') return std::nullopt;
  int hi = hex_value(payload[1]);
  int lo = hex_value(payload[2]);
  if (hi < 0 || lo < 0) return std::nullopt;
  if (payload.size() > 3 && payload[3] != ';' && payload[3] != '.') return std::nullopt;
  return hi * 16 + lo;
}

void hex_decode(std::string_view hex, std::uint8_t* out) {
  if (hex.size() % 2 != 0) throw ProtocolError("hex reply of odd length");
  unsigned sum = 0;
  if (hex_decode_summing(hex, out, sum) != hex.size())
    throw ProtocolError("non-hex digit in a hex reply");
}

std::string hex_encode(std::span<const std::uint8_t> bytes) {
  std::string text;
  text.reserve(2 * bytes.size());
  for (std::uint8_t b : bytes) {
    text.push_back(kHexDigits[b >> 4]);
    text.push_back(kHexDigits[b & 15]);
  }
  return text;
}

std::string escape_binary(std::span<const std::uint8_t> bytes) {
  std::string raw;
  raw.reserve(bytes.size());
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

std::size_t format_hex(std::uint64_t value, char* out) {
  char digits[16];
  std::size_t n = 0;
  do {
    digits[n++] = kHexDigits[value & 15];
    value >>= 4;
  } while (value != 0);
  for (std::size_t i = 0; i < n; ++i) out[i] = digits[n - 1 - i];
  return n;
}

}  // namespace bench::rsp
