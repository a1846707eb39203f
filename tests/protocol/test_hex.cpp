// protocol/hex.hpp: hex_value, parse_hex_u64, decode_hex, encode_hex.
#include <array>
#include <boost/test/unit_test.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/hex.hpp"
#include "test_util.hpp"

using rspstub::protocol::decode_hex;
using rspstub::protocol::encode_hex;
using rspstub::protocol::hex_value;
using rspstub::protocol::parse_hex_u64;
using namespace std::string_view_literals;

namespace {

std::vector<std::byte> B(std::initializer_list<unsigned> v) {
  std::vector<std::byte> out;
  for (unsigned x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}

std::string encode(std::span<const std::byte> in) {
  std::string out(in.size() * 2, '?');
  encode_hex(in, out.data());
  return out;
}

void check_parse(std::string_view text, std::optional<std::uint64_t> want) {
  BOOST_TEST_CONTEXT("parse_hex_u64(\"" << text << "\")") {
    const auto got = parse_hex_u64(text);
    BOOST_TEST(got.has_value() == want.has_value());
    if (got && want) BOOST_TEST(*got == *want);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(hex)

BOOST_AUTO_TEST_CASE(hex_value_of_every_char) {
  for (int c = 0; c < 256; ++c) {
    int want = -1;
    if (c >= '0' && c <= '9') want = c - 0x30;
    if (c >= 'a' && c <= 'f') want = c - 0x57;
    if (c >= 'A' && c <= 'F') want = c - 0x37;
    BOOST_TEST_CONTEXT("char " << c) { BOOST_TEST(hex_value(static_cast<char>(c)) == want); }
  }
}

BOOST_AUTO_TEST_CASE(parse_single_digits) {
  const std::array<std::pair<std::string_view, std::uint64_t>, 22> cases{{
      {"0", 0},   {"1", 1},   {"2", 2},   {"3", 3},   {"4", 4},   {"5", 5},
      {"6", 6},   {"7", 7},   {"8", 8},   {"9", 9},   {"a", 10},  {"b", 11},
      {"c", 12},  {"d", 13},  {"e", 14},  {"f", 15},  {"A", 10},  {"B", 11},
      {"C", 12},  {"D", 13},  {"E", 14},  {"F", 15},
  }};
  for (const auto& [text, want] : cases) check_parse(text, want);
}

BOOST_AUTO_TEST_CASE(parse_lengths_1_to_16) {
  check_parse("7", 0x7);
  check_parse("10", 0x10);
  check_parse("401000", 0x401000);
  check_parse("deadbeef", 0xdeadbeef);
  check_parse("DEADBEEF", 0xdeadbeef);
  check_parse("DeAdBeEf", 0xdeadbeef);
  check_parse("123456789abcdef", 0x123456789abcdefull);       // 15 digits
  check_parse("0123456789abcdef", 0x0123456789abcdefull);     // 16 digits
  check_parse("fedcba9876543210", 0xfedcba9876543210ull);
  check_parse("0000000000000001", 1);                          // 16 digits, leading zeros
  check_parse("00", 0);
}

BOOST_AUTO_TEST_CASE(parse_max_value) {
  check_parse("ffffffffffffffff", 0xffffffffffffffffull);
  check_parse("FFFFFFFFFFFFFFFF", 0xffffffffffffffffull);
  check_parse("7fffffffffffffff", 0x7fffffffffffffffull);
  check_parse("8000000000000000", 0x8000000000000000ull);
}

BOOST_AUTO_TEST_CASE(parse_rejects_17_digits) {
  check_parse("10000000000000000", std::nullopt);   // would overflow
  check_parse("00000000000000001", std::nullopt);   // would not, still 17 digits
  check_parse("fffffffffffffffff", std::nullopt);
}

BOOST_AUTO_TEST_CASE(parse_rejects_empty_and_junk) {
  check_parse("", std::nullopt);
  check_parse("0x10", std::nullopt);
  check_parse("0X10", std::nullopt);
  check_parse("0x", std::nullopt);
  check_parse("x", std::nullopt);
  check_parse("g", std::nullopt);
  check_parse("G", std::nullopt);
  check_parse("12g4", std::nullopt);
  check_parse(" 1", std::nullopt);
  check_parse("1 ", std::nullopt);
  check_parse("-1", std::nullopt);
  check_parse("+1", std::nullopt);
  check_parse("1,", std::nullopt);
  check_parse("1;", std::nullopt);
  check_parse("1\n", std::nullopt);
  check_parse("1\0"sv, std::nullopt);
  check_parse("\0"sv, std::nullopt);
  check_parse("1/", std::nullopt);   // '/' is just below '0'
  check_parse("1:", std::nullopt);   // ':' is just above '9'
  check_parse("1@", std::nullopt);   // '@' is just below 'A'
  check_parse("1`", std::nullopt);   // '`' is just below 'a'
}

BOOST_AUTO_TEST_CASE(decode_literal) {
  std::vector<std::byte> out(6, std::byte{0x55});
  BOOST_TEST(decode_hex("00017f80feff", out));
  BOOST_TEST(out == B({0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff}), boost::test_tools::per_element());

  std::vector<std::byte> four(4);
  BOOST_TEST(decode_hex("DEADbeef", four));
  BOOST_TEST(four == B({0xde, 0xad, 0xbe, 0xef}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(decode_empty) {
  std::span<std::byte> none;
  BOOST_TEST(decode_hex("", none));
  BOOST_TEST(!decode_hex("00", none));
}

BOOST_AUTO_TEST_CASE(decode_rejections) {
  std::vector<std::byte> two(2);
  BOOST_TEST(!decode_hex("abc", two));      // odd, too short
  BOOST_TEST(!decode_hex("ab", two));       // too short
  BOOST_TEST(!decode_hex("abcdef", two));   // too long
  BOOST_TEST(!decode_hex("abcde", two));    // odd, too long
  BOOST_TEST(!decode_hex("zzzz", two));
  BOOST_TEST(!decode_hex("0g00", two));     // bad low digit
  BOOST_TEST(!decode_hex("g000", two));     // bad high digit
  BOOST_TEST(!decode_hex("000g", two));     // bad last digit
  BOOST_TEST(!decode_hex("0x12", two));
  BOOST_TEST(!decode_hex(" 123", two));
  BOOST_TEST(!decode_hex("12\0"
                         "4"sv,
                         two));
}

BOOST_AUTO_TEST_CASE(encode_literal) {
  BOOST_TEST(encode(B({0x00, 0x01, 0x7f, 0x80, 0xfe, 0xff})) == "00017f80feff");
  BOOST_TEST(encode(B({0xde, 0xad, 0xbe, 0xef})) == "deadbeef");  // lower case
  BOOST_TEST(encode(B({})) == "");
}

BOOST_AUTO_TEST_CASE(encode_writes_exactly_2n) {
  std::string out(10, '!');
  const auto in = B({0x12, 0xab});
  encode_hex(in, out.data() + 3);
  BOOST_TEST(out == "!!!12ab!!!");
}

BOOST_AUTO_TEST_CASE(encode_every_byte_value) {
  std::vector<std::byte> all(256);
  for (unsigned i = 0; i < 256; ++i) all[i] = static_cast<std::byte>(i);
  const std::string text = encode(all);
  BOOST_TEST(text == rsptest::ref_hex(all));
  BOOST_TEST(text.substr(0, 8) == "00010203");
  BOOST_TEST(text.substr(504) == "fcfdfeff");
}

BOOST_AUTO_TEST_CASE(round_trips) {
  for (std::size_t n : {0u, 1u, 2u, 255u, 256u, 4097u}) {
    const auto data = rsptest::test_bytes(n, 7 + static_cast<std::uint32_t>(n));
    const std::string text = encode(data);
    BOOST_TEST(text.size() == 2 * n);
    std::vector<std::byte> back(n);
    BOOST_TEST(decode_hex(text, back));
    BOOST_TEST(back == data, boost::test_tools::per_element());

    // Upper-case text decodes to the same bytes, and re-encodes lower-case.
    std::string upper = text;
    for (char& c : upper)
      if (c >= 'a' && c <= 'f') c = static_cast<char>(c - 0x20);
    std::vector<std::byte> back2(n);
    BOOST_TEST(decode_hex(upper, back2));
    BOOST_TEST(encode(back2) == text);
  }
}

BOOST_AUTO_TEST_SUITE_END()
