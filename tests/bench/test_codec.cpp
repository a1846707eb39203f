// Unit tests of the benchmark client's decoding and of the pattern check: the benchmark's
// figures are only worth something if these are right.
#define BOOST_TEST_MODULE bench_codec
#include <boost/test/included/unit_test.hpp>
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "body_decoder.hpp"
#include "rsp_codec.hpp"
#include "verify.hpp"

using namespace bench;

namespace {

std::string decode(std::string raw) {
  std::string scratch;
  return std::string(rsp::decode_payload(raw, scratch));
}

std::vector<std::uint8_t> hex(const std::string& text) {
  std::vector<std::uint8_t> out(text.size() / 2);
  rsp::hex_decode(text, out.data());
  return out;
}

std::vector<std::uint8_t> pattern(std::uint64_t address, std::size_t size) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = pattern_byte(address + i);
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(checksum_matches_a_plain_sum_at_every_length) {
  std::string bytes;
  for (int n = 0; n < 100; ++n) {
    unsigned sum = 0;
    for (unsigned char c : bytes) sum += c;
    BOOST_TEST(rsp::checksum(bytes) == static_cast<std::uint8_t>(sum));
    bytes.push_back(static_cast<char>(0xf0 + n));
  }
}

BOOST_AUTO_TEST_CASE(frames_a_request) {
  std::string out;
  rsp::append_frame(out, "QStartNoAckMode");
  BOOST_TEST(out == "$QStartNoAckMode#b0");
}

BOOST_AUTO_TEST_CASE(expands_run_lengths_before_unescaping) {
  BOOST_TEST(decode("0* ") == "0000");  // ' ' = 32: three more copies
  BOOST_TEST(decode("ab0* 12") == "ab000012");
  BOOST_TEST(decode("x*\"y") == "xxxxxxy");  // '"' = 34: five more
  BOOST_TEST(decode("x*\x1e") == "xx");      // odd but legal for gdb: one more
  BOOST_TEST(decode("a}]b}\x03}\x04}\x0a") == "a}b#$*");
  BOOST_TEST(decode("}\x0a* ") == "*\x0a\x0a\x0a");  // a run repeats the raw byte, as in gdb
}

BOOST_AUTO_TEST_CASE(rejects_broken_encodings) {
  BOOST_CHECK_THROW(decode("*#"), rsp::ProtocolError);      // nothing to repeat
  BOOST_CHECK_THROW(decode("a*"), rsp::ProtocolError);      // no count
  BOOST_CHECK_THROW(decode("a*\x1d"), rsp::ProtocolError);  // count 0
  BOOST_CHECK_THROW(decode("ab}"), rsp::ProtocolError);     // escape at the end
}

BOOST_AUTO_TEST_CASE(plain_payloads_are_decoded_in_place) {
  std::string raw = "abc}]d";
  std::string scratch;
  auto view = rsp::decode_payload(raw, scratch);
  BOOST_TEST(view == "abc}d");
  BOOST_TEST(static_cast<const void*>(view.data()) == static_cast<const void*>(raw.data()));
}

BOOST_AUTO_TEST_CASE(decodes_hex_of_any_case_and_length) {
  std::string text;
  std::vector<std::uint8_t> expected;
  for (int i = 0; i < 300; ++i) {
    static const char digits[] = "0123456789abcdef";
    auto b = static_cast<std::uint8_t>(i * 37 + 11);
    text += digits[b >> 4];
    text += digits[b & 15];
    expected.push_back(b);
    BOOST_TEST(hex(text) == expected, boost::test_tools::per_element());
  }
  BOOST_TEST(hex("DEADbeef0123456789ABCDEFabcdef00DEADbeef0123456789ABCDEFabcdef00") ==
                 hex("deadbeef0123456789abcdefabcdef00deadbeef0123456789abcdefabcdef00"),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(rejects_bad_hex_in_the_vector_and_scalar_parts) {
  std::string good(64, 'a');
  std::vector<std::uint8_t> out(64);
  for (std::size_t at : {0u, 17u, 31u, 40u, 63u}) {
    for (char bad : {'g', 'G', ':', '/', '@', '`', ' ', '\x80', '\xff'}) {
      std::string text = good;
      text[at] = bad;
      BOOST_CHECK_THROW(rsp::hex_decode(text, out.data()), rsp::ProtocolError);
    }
  }
  BOOST_CHECK_THROW(rsp::hex_decode("abc", out.data()), rsp::ProtocolError);
}

BOOST_AUTO_TEST_CASE(the_summing_hex_decoder_stops_at_the_first_non_digit) {
  // 600 digits: ten 64-digit vector blocks and a scalar tail. A stop anywhere must leave the
  // digits before it decoded and summed, and nothing after it.
  std::vector<std::uint8_t> data = pattern(0x2001, 300);
  const std::string good = rsp::hex_encode(data);
  std::vector<std::uint8_t> out(300);
  unsigned sum = 7;
  BOOST_TEST(rsp::hex_decode_summing(good, out.data(), sum) == good.size());
  BOOST_TEST(out == data, boost::test_tools::per_element());
  BOOST_TEST(sum == 7u + [&] { unsigned s = 0; for (char c : good) s += static_cast<unsigned char>(c); return s; }());
  for (std::size_t at = 0; at < good.size(); at += 7) {
    for (char bad : {'*', '#', 'g', '\x80'}) {
      std::string text = good;
      text[at] = bad;
      std::fill(out.begin(), out.end(), 0);
      unsigned got_sum = 0;
      const std::size_t digits = rsp::hex_decode_summing(text, out.data(), got_sum);
      BOOST_TEST(digits == (at & ~std::size_t{1}), "bad at " << at);
      unsigned want = 0;
      for (std::size_t i = 0; i < digits; ++i) want += static_cast<unsigned char>(text[i]);
      BOOST_TEST(got_sum == want, "bad at " << at);
      BOOST_TEST(std::equal(out.begin(), out.begin() + digits / 2, data.begin()));
    }
  }
  unsigned odd = 0;
  BOOST_TEST(rsp::hex_decode_summing("a1B", out.data(), odd) == 2u);
  BOOST_TEST(out[0] == 0xa1);
  BOOST_TEST(odd == unsigned{'a'} + '1');
}

BOOST_AUTO_TEST_CASE(the_summing_unescaper_matches_a_plain_loop_at_every_length) {
  // Every byte value and runs of plain bytes, at every length from 0 to 300 and every start, so
  // that escapes fall on both sides of each 32-byte block edge, a lone '}' ends some inputs and a
  // '*' stops others; against a byte-by-byte reference.
  std::string text;
  for (int b = 0; b < 256; ++b) text += static_cast<char>(b);
  for (int i = 0; i < 150; ++i) text += static_cast<char>('A' + i % 26);
  text = rsp::escape_binary(std::vector<std::uint8_t>(text.begin(), text.end()));
  text[170] = '*';
  for (std::size_t start = 0; start < 40; ++start) {
    for (std::size_t n = 0; start + n <= text.size() && n <= 300; ++n) {
      const std::string_view raw(text.data() + start, n);
      std::size_t in = 0;
      unsigned want_sum = 0;
      std::vector<std::uint8_t> want;
      while (in < n && raw[in] != '*' && !(raw[in] == '}' && in + 1 == n)) {
        if (raw[in] == '}') {
          want.push_back(static_cast<std::uint8_t>(raw[in + 1] ^ 0x20));
          want_sum += static_cast<unsigned char>(raw[in]) + static_cast<unsigned char>(raw[in + 1]);
          in += 2;
        } else {
          want.push_back(static_cast<std::uint8_t>(raw[in]));
          want_sum += static_cast<unsigned char>(raw[in++]);
        }
      }
      std::vector<std::uint8_t> out(n + 1);
      std::size_t written = 0;
      unsigned sum = 7;
      const std::size_t consumed = rsp::unescape_summing(raw, out.data(), &written, sum);
      BOOST_TEST(consumed == in, "start " << start << ", length " << n);
      out.resize(written);
      BOOST_TEST(out == want, "start " << start << ", length " << n);
      BOOST_TEST(sum - 7 == want_sum, "start " << start << ", length " << n);
    }
  }
}

BOOST_AUTO_TEST_CASE(parses_error_replies_only) {
  BOOST_TEST(rsp::parse_error("E01").value() == 1);
  BOOST_TEST(rsp::parse_error("E0c").value() == 12);
  BOOST_TEST(rsp::parse_error("E08;6d656d").value() == 8);
  BOOST_TEST(rsp::parse_error("E.no memory").value() == -1);
  BOOST_TEST(!rsp::parse_error("E1"));
  BOOST_TEST(!rsp::parse_error("e1a2b3"));
  BOOST_TEST(!rsp::parse_error("E1a2b3"));  // hex data that starts with E
  BOOST_TEST(!rsp::parse_error("OK"));
}

BOOST_AUTO_TEST_CASE(formats_hex_numbers) {
  char text[17];
  BOOST_TEST(std::string(text, rsp::format_hex(0, text)) == "0");
  BOOST_TEST(std::string(text, rsp::format_hex(0x7ffff7fc8000, text)) == "7ffff7fc8000");
  BOOST_TEST(std::string(text, rsp::format_hex(~0ULL, text)) == "ffffffffffffffff");
}

BOOST_AUTO_TEST_CASE(the_pattern_holds_bytes_that_need_escaping) {
  auto bytes = pattern(0x7f1234560000, 1 << 16);
  for (std::uint8_t special : {'#', '$', '}', '*'})
    BOOST_TEST(std::count(bytes.begin(), bytes.end(), special) > 0);
}

BOOST_AUTO_TEST_CASE(verification_accepts_the_pattern_at_any_alignment) {
  const std::uint64_t base = 0x7f1234567000;
  auto bytes = pattern(base, 10000);
  for (std::size_t skip : {0u, 1u, 3u, 7u, 8u, 9u})
    BOOST_CHECK_NO_THROW(
        verify_pattern(base + skip, {bytes.data() + skip, bytes.size() - skip - skip / 2}, "t"));
}

BOOST_AUTO_TEST_CASE(verification_finds_any_wrong_byte) {
  const std::uint64_t base = 0x7f1234567003;
  auto good = pattern(base, 9000);
  for (std::size_t at : {0u, 4u, 5u, 100u, 4095u, 4096u, 8200u, 8999u}) {
    auto bytes = good;
    bytes[at] ^= 0x40;
    BOOST_CHECK_THROW(verify_pattern(base, bytes, "t"), VerifyError);
    BOOST_CHECK_THROW(verify_pattern(base + 1, {good.data(), good.size()}, "t"), VerifyError);
  }
}

namespace {

// Feeds `raw` (a whole body) to a BodyDecoder in pieces of `step` bytes, as recv would hand
// them over, and returns what came out, in order.
std::vector<std::uint8_t> feed_in_pieces(const std::string& raw, bool hex, std::size_t prefix,
                                         std::size_t step, rsp::BodyDecoder** last = nullptr) {
  static std::vector<std::uint8_t> out;
  static std::optional<rsp::BodyDecoder> decoder;
  decoder.emplace(hex, prefix, out);
  std::vector<std::uint8_t> got;
  for (std::size_t end = std::min(step, raw.size());; end = std::min(end + step, raw.size())) {
    // What has arrived so far, then bytes that have not: a decoder reading past the end of what
    // it was given gets poison, not the rest of the body.
    std::string arrived = raw.substr(0, end) + std::string(8, '\x55');
    auto piece = decoder->feed({arrived.data(), end});
    got.insert(got.end(), piece.begin(), piece.end());
    if (end == raw.size()) break;
  }
  if (last != nullptr) *last = &*decoder;
  return got;
}

}  // namespace

BOOST_AUTO_TEST_CASE(body_decoder_gives_the_same_bytes_whatever_the_pieces) {
  // Every byte value, escapes included, and the pattern: split at every step from 1 to 70, so
  // that pieces end on a '}' and between the two digits of a hex byte.
  std::vector<std::uint8_t> data = pattern(0x1003, 300);
  for (int b = 0; b < 256; ++b) data.push_back(static_cast<std::uint8_t>(b));
  const std::string binary = "b" + rsp::escape_binary(data);
  const std::string hex_text = rsp::hex_encode(data);
  for (std::size_t step = 1; step <= 70; ++step) {
    rsp::BodyDecoder* d = nullptr;
    BOOST_TEST(feed_in_pieces(binary, false, 1, step, &d) == data, "x, step " << step);
    BOOST_TEST(d->checksum() == rsp::checksum(binary));
    BOOST_TEST(!d->run_length());
    BOOST_CHECK_NO_THROW(d->finish());
    BOOST_TEST(feed_in_pieces(hex_text, true, 0, step, &d) == data, "m, step " << step);
    BOOST_TEST(d->checksum() == rsp::checksum(hex_text));
    BOOST_CHECK_NO_THROW(d->finish());
  }
}

BOOST_AUTO_TEST_CASE(body_decoder_refuses_half_units_and_bad_digits_and_stops_at_runs) {
  rsp::BodyDecoder* d = nullptr;
  feed_in_pieces("abc}", false, 0, 2, &d);
  BOOST_CHECK_THROW(d->finish(), rsp::ProtocolError);  // a '}' with nothing after it
  feed_in_pieces("abc", true, 0, 3, &d);
  BOOST_CHECK_THROW(d->finish(), rsp::ProtocolError);  // odd hex
  BOOST_CHECK_THROW(feed_in_pieces("00zz", true, 0, 4), rsp::ProtocolError);
  // A run-length marker: nothing from it on is decoded piecewise (the caller decodes whole).
  const std::vector<std::uint8_t> before{'a', 'b', 'x'};
  BOOST_TEST(feed_in_pieces("abx", false, 0, 2) == before);
  BOOST_TEST(feed_in_pieces("abx* yz", false, 0, 2, &d) == before);
  BOOST_TEST(d->run_length());
  // The same in binary, in the vector part and the scalar tail, escapes around the marker.
  const std::vector<std::uint8_t> bytes = pattern(0x5a00, 600);  // '#' '$' '}' '*' inside
  const std::string escaped = rsp::escape_binary(bytes);
  for (std::size_t at : std::initializer_list<std::size_t>{0, 31, 32, 33, 100, 290,
                                                            escaped.size() - 1}) {
    if (escaped[at] == '}' || (at > 0 && escaped[at - 1] == '}')) continue;  // mid-escape
    std::string runs = escaped;
    runs[at] = '*';
    std::string head = escaped.substr(0, at);
    head.resize(rsp::unescape_in_place(head.data(), head.size()));
    const std::vector<std::uint8_t> prefix(head.begin(), head.end());
    for (std::size_t step : {1u, 7u, 64u, 1000u}) {
      BOOST_TEST(feed_in_pieces(runs, false, 0, step, &d) == prefix, "* at " << at);
      BOOST_TEST(d->run_length());
    }
  }
  // The same in hex, in the vector part and the scalar tail, whatever the pieces: the bytes
  // before the marker come out, then nothing; a bad digit anywhere is refused.
  const std::vector<std::uint8_t> data = pattern(0x3000, 200);
  const std::string hex_text = rsp::hex_encode(data);
  for (std::size_t at : {10u, 100u, 131u, 390u}) {
    for (std::size_t step : {1u, 64u, 400u}) {
      std::string runs = hex_text;
      runs[at] = '*';
      const std::vector<std::uint8_t> prefix(data.begin(), data.begin() + at / 2);
      BOOST_TEST(feed_in_pieces(runs, true, 0, step, &d) == prefix, "* at " << at);
      BOOST_TEST(d->run_length());
      std::string bad = hex_text;
      bad[at] = 'x';
      BOOST_CHECK_THROW(feed_in_pieces(bad, true, 0, step), rsp::ProtocolError);
    }
  }
}

BOOST_AUTO_TEST_CASE(encodes_as_a_stub_does) {
  const std::vector<std::uint8_t> bytes{0x0f, 0xa0, '#', '$', '}', '*', 'a'};
  BOOST_TEST(rsp::hex_encode(bytes) == "0fa023247d2a61");
  BOOST_TEST(rsp::escape_binary(bytes) == std::string("\x0f\xa0}\x03}\x04}]}\x0a" "a"));
}
