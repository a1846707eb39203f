// Independent reference helpers for the protocol tests. Written from the RSP rules, deliberately
// sharing no code with protocol/ (no kHexDigits, no hex_value), so a bug there cannot hide here.
#pragma once

#include <algorithm>
#include <boost/test/unit_test.hpp>
#include <ostream>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.hpp"
#include "protocol/framing.hpp"

// Printing for Boost.Test failure messages (found by argument-dependent lookup).
namespace rspstub::protocol {
inline std::ostream& boost_test_print_type(std::ostream& os, FrameEvent e) {
  static const char* const names[] = {"none", "packet", "ack", "nack",
                                      "interrupt", "bad_checksum", "overflow"};
  const auto i = static_cast<unsigned>(e);
  return os << (i < 7 ? names[i] : "FrameEvent(?)") << "(" << i << ")";
}
inline std::ostream& boost_test_print_type(std::ostream& os, ErrorCode e) {
  return os << "ErrorCode(0x" << std::hex << static_cast<unsigned>(e) << std::dec << ")";
}
}  // namespace rspstub::protocol

namespace boost::test_tools::tt_detail {
template <>
struct print_log_value<std::byte> {
  void operator()(std::ostream& os, std::byte b) {
    static const char d[] = "0123456789abcdef";
    const auto v = static_cast<unsigned>(b);
    os << "0x" << d[v >> 4] << d[v & 15];
  }
};
}  // namespace boost::test_tools::tt_detail

namespace rsptest {

// Two lower-case hex digits of a byte, via printf (not via the code under test).
inline std::string hex2(unsigned v) {
  char buf[3];
  std::snprintf(buf, sizeof buf, "%02x", v & 0xffu);
  return buf;
}

// Sum of the bytes mod 256: the RSP checksum of an (already escaped) payload.
inline unsigned checksum(std::string_view wire_payload) {
  unsigned s = 0;
  for (char c : wire_payload) s += static_cast<unsigned char>(c);
  return s & 0xffu;
}

// "$" + payload + "#" + checksum, for an already escaped payload.
inline std::string frame(std::string_view wire_payload) {
  return "$" + std::string(wire_payload) + "#" + hex2(checksum(wire_payload));
}

// Stub -> client binary escaping: `#` `$` `}` `*` become `}` + (byte ^ 0x20).
inline std::string ref_escape(std::span<const std::byte> in) {
  std::string out;
  out.reserve(in.size() * 2);
  for (std::byte b : in) {
    const auto v = static_cast<unsigned char>(b);
    if (v == 0x23 || v == 0x24 || v == 0x7d || v == 0x2a) {
      out.push_back('}');
      out.push_back(static_cast<char>(v ^ 0x20));
    } else {
      out.push_back(static_cast<char>(v));
    }
  }
  return out;
}

inline std::string ref_escape(std::string_view s) {
  return ref_escape(std::as_bytes(std::span<const char>(s.data(), s.size())));
}

inline std::string ref_hex(std::span<const std::byte> in) {
  std::string out;
  out.reserve(in.size() * 2);
  for (std::byte b : in) out += hex2(static_cast<unsigned>(b));
  return out;
}

// n pseudo-random bytes; when n >= 256 the first 256 are a shuffled permutation of every byte
// value, so every value (including the four escaped ones and NUL) is certainly present.
// What a client makes of a reply with run lengths: `c*N` is c and N - 29 more copies of it.
inline std::string ref_expand_runs(std::string_view wire) {
  std::string out;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '*' && !out.empty() && i + 1 < wire.size()) {
      out.append(static_cast<unsigned char>(wire[++i]) - 29u, out.back());
    } else {
      out += wire[i];
    }
  }
  return out;
}

inline std::vector<std::byte> test_bytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::byte> v(n);
  std::size_t i = 0;
  if (n >= 256) {
    std::vector<unsigned> perm(256);
    for (unsigned k = 0; k < 256; ++k) perm[k] = k;
    std::shuffle(perm.begin(), perm.end(), rng);
    for (; i < 256; ++i) v[i] = static_cast<std::byte>(perm[i]);
  }
  std::uniform_int_distribution<unsigned> dist(0, 255);
  for (; i < n; ++i) v[i] = static_cast<std::byte>(dist(rng));
  return v;
}

inline std::span<const std::byte> bytes_of(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

}  // namespace rsptest
