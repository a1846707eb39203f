// protocol/framing.hpp: FrameDecoder, the client -> stub byte stream decoder.
#include <boost/test/unit_test.hpp>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/framing.hpp"
#include "test_util.hpp"

using rspstub::protocol::FrameDecoder;
using rspstub::protocol::FrameEvent;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

struct Seen {
  FrameEvent event;
  std::string payload;  // for packet / bad_checksum
  bool operator==(const Seen&) const = default;
};

std::ostream& boost_test_print_type(std::ostream& os, const Seen& s) {
  rspstub::protocol::boost_test_print_type(os, s.event);
  if (s.event == FrameEvent::packet || s.event == FrameEvent::bad_checksum)
    os << " \"" << s.payload << "\"";
  return os;
}

Seen seen_from(const FrameDecoder& d, FrameEvent e) {
  Seen s{e, {}};
  if (e == FrameEvent::packet || e == FrameEvent::bad_checksum) s.payload = std::string(d.payload());
  return s;
}

// Feeds `in` in the given chunk sizes (cycled), draining each chunk completely.
std::vector<Seen> decode_chunked(std::string_view in, const std::vector<std::size_t>& chunks,
                                 std::size_t max_payload = 4096) {
  FrameDecoder d(max_payload);
  std::vector<Seen> out;
  std::size_t pos = 0, k = 0;
  while (pos < in.size()) {
    std::size_t n = std::min(chunks[k++ % chunks.size()], in.size() - pos);
    std::string_view chunk = in.substr(pos, n);
    pos += n;
    while (!chunk.empty()) {
      const auto step = d.feed(chunk);
      BOOST_REQUIRE(step.consumed >= 1);
      BOOST_REQUIRE(step.consumed <= chunk.size());
      if (step.event == FrameEvent::none) BOOST_REQUIRE(step.consumed == chunk.size());
      else out.push_back(seen_from(d, step.event));
      chunk.remove_prefix(step.consumed);
    }
  }
  return out;
}

std::vector<Seen> decode_all(std::string_view in, std::size_t max_payload = 4096) {
  return decode_chunked(in, {in.size() ? in.size() : 1}, max_payload);
}

// Feeds a complete single-event buffer in one call and checks event and consumed.
void expect_one(std::string_view in, FrameEvent want, std::string_view payload,
                std::size_t max_payload = 4096) {
  BOOST_TEST_CONTEXT("input \"" << in << "\"") {
    FrameDecoder d(max_payload);
    const auto step = d.feed(in);
    BOOST_TEST(step.event == want);
    BOOST_TEST(step.consumed == in.size());
    if (want == FrameEvent::packet || want == FrameEvent::bad_checksum)
      BOOST_TEST(d.payload() == payload);
    BOOST_TEST(!d.in_packet());
  }
}

Seen P(std::string p) { return {FrameEvent::packet, std::move(p)}; }
Seen Bad(std::string p) { return {FrameEvent::bad_checksum, std::move(p)}; }
Seen E(FrameEvent e) { return {e, {}}; }

// A stream exercising everything at once: acks, noise, interrupt, an escaped packet, a bad
// checksum, NUL and 0x03 data bytes, a restarted packet, an empty packet.
const std::string kStream =
    "+"s + "\r\nnoise" + "$m1000,4#8e" + "-" + "\x03" + "$X0,4:}]}\x03}\x04}\x0a#84" +
    "$OK#9b" + "$a\x03" "b#c6" + "$a\0b#c3"s + "$zz$OK#9a" + "$#00" + "$Hg0#DF" + "+";
const std::vector<Seen> kStreamEvents = {
    E(FrameEvent::ack),  P("m1000,4"), E(FrameEvent::nack), E(FrameEvent::interrupt),
    P("X0,4:}#$*"),      Bad("OK"),    P("a\x03" "b"),      P("a\0b"s),
    P("OK"),             P(""),        P("Hg0"),            E(FrameEvent::ack),
};

}  // namespace

BOOST_AUTO_TEST_SUITE(framing)

BOOST_AUTO_TEST_CASE(packet_in_one_piece) {
  FrameDecoder d(4096);
  BOOST_TEST(!d.in_packet());
  const auto step = d.feed("$m1000,4#8e"sv);
  BOOST_TEST(step.event == FrameEvent::packet);
  BOOST_TEST(step.consumed == 11u);
  BOOST_TEST(d.payload() == "m1000,4");
  BOOST_TEST(!d.in_packet());
  BOOST_TEST(d.max_payload() == 4096u);
}

BOOST_AUTO_TEST_CASE(consumed_stops_at_event) {
  FrameDecoder d(4096);
  const std::string_view in = "$OK#9a+$qC#b4";
  auto step = d.feed(in);
  BOOST_TEST(step.event == FrameEvent::packet);
  BOOST_TEST(step.consumed == 6u);
  BOOST_TEST(d.payload() == "OK");
  step = d.feed(in.substr(6));
  BOOST_TEST(step.event == FrameEvent::ack);
  BOOST_TEST(step.consumed == 1u);
  step = d.feed(in.substr(7));
  BOOST_TEST(step.event == FrameEvent::packet);
  BOOST_TEST(step.consumed == 6u);
  BOOST_TEST(d.payload() == "qC");
  step = d.feed(std::string_view{});
  BOOST_TEST(step.event == FrameEvent::none);
  BOOST_TEST(step.consumed == 0u);
}

BOOST_AUTO_TEST_CASE(split_at_every_boundary) {
  const std::string in = "$X0,4:}]}\x03}\x04}\x0a#84";
  for (std::size_t k = 0; k < in.size(); ++k) {
    BOOST_TEST_CONTEXT("split at " << k) {
      FrameDecoder d(4096);
      std::string_view first = std::string_view(in).substr(0, k);
      std::string_view second = std::string_view(in).substr(k);
      const auto s1 = d.feed(first);
      BOOST_TEST(s1.event == FrameEvent::none);
      BOOST_TEST(s1.consumed == k);
      BOOST_TEST(d.in_packet() == (k > 0));
      const auto s2 = d.feed(second);
      BOOST_TEST(s2.event == FrameEvent::packet);
      BOOST_TEST(s2.consumed == second.size());
      BOOST_TEST(d.payload() == "X0,4:}#$*");
    }
  }
}

BOOST_AUTO_TEST_CASE(whole_packet_in_first_feed_of_split) {
  // Complements split_at_every_boundary for k == size.
  expect_one("$X0,4:}]}\x03}\x04}\x0a#84", FrameEvent::packet, "X0,4:}#$*");
}

BOOST_AUTO_TEST_CASE(stream_in_one_buffer) {
  const auto got = decode_all(kStream);
  BOOST_TEST(got == kStreamEvents, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(stream_one_byte_at_a_time) {
  const auto got = decode_chunked(kStream, {1});
  BOOST_TEST(got == kStreamEvents, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(stream_split_at_every_boundary) {
  for (std::size_t k = 1; k < kStream.size(); ++k) {
    BOOST_TEST_CONTEXT("split at " << k) {
      const auto got = decode_chunked(kStream, {k, kStream.size()});
      BOOST_TEST(got == kStreamEvents, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(stream_random_chunkings) {
  std::mt19937 rng(20240611);
  std::uniform_int_distribution<std::size_t> len(1, 9);
  for (int round = 0; round < 300; ++round) {
    std::vector<std::size_t> chunks(64);
    for (auto& c : chunks) c = len(rng);
    BOOST_TEST_CONTEXT("round " << round) {
      const auto got = decode_chunked(kStream, chunks);
      BOOST_TEST(got == kStreamEvents, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(acks) {
  expect_one("+", FrameEvent::ack, "");
  expect_one("-", FrameEvent::nack, "");
  const std::vector<Seen> want = {E(FrameEvent::ack), E(FrameEvent::nack), E(FrameEvent::ack)};
  BOOST_TEST(decode_all("+-+") == want, boost::test_tools::per_element());
  // lldb's lone '+' before its first packet.
  const std::vector<Seen> lldb = {E(FrameEvent::ack), P("QStartNoAckMode")};
  BOOST_TEST(decode_all("+$QStartNoAckMode#b0") == lldb, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(ack_bytes_inside_packet_are_data) {
  expect_one("$+-#58", FrameEvent::packet, "+-");
}

BOOST_AUTO_TEST_CASE(interrupt_outside_packet) {
  expect_one("\x03", FrameEvent::interrupt, "");
  FrameDecoder d(64);
  const std::string_view in = "\x03$OK#9a";
  auto s = d.feed(in);
  BOOST_TEST(s.event == FrameEvent::interrupt);
  BOOST_TEST(s.consumed == 1u);
  s = d.feed(in.substr(1));
  BOOST_TEST(s.event == FrameEvent::packet);
  BOOST_TEST(d.payload() == "OK");
}

BOOST_AUTO_TEST_CASE(interrupt_byte_inside_packet_is_data) {
  expect_one("$a\x03" "b#c6", FrameEvent::packet, "a\x03" "b");
  // Split right after the 0x03: still no interrupt event.
  FrameDecoder d(64);
  auto s = d.feed("$a\x03"sv);
  BOOST_TEST(s.event == FrameEvent::none);
  BOOST_TEST(d.in_packet());
  s = d.feed("b#c6"sv);
  BOOST_TEST(s.event == FrameEvent::packet);
  BOOST_TEST(d.payload() == "a\x03" "b");
}

BOOST_AUTO_TEST_CASE(noise_between_packets_skipped) {
  FrameDecoder d(64);
  const std::string_view noise = "xyz\r\n#9a OK\x7f\xff";
  auto s = d.feed(noise);
  BOOST_TEST(s.event == FrameEvent::none);
  BOOST_TEST(s.consumed == 13u);
  BOOST_TEST(noise.size() == 13u);
  BOOST_TEST(!d.in_packet());
  const std::vector<Seen> want = {P("OK"), E(FrameEvent::ack), P("qC")};
  BOOST_TEST(decode_all("garbage$OK#9a\n\n+ \t$qC#b4 trailing") == want,
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(bad_checksum_wrong_digits) {
  expect_one("$OK#9b", FrameEvent::bad_checksum, "OK");
  expect_one("$OK#a9", FrameEvent::bad_checksum, "OK");
  expect_one("$OK#00", FrameEvent::bad_checksum, "OK");
  expect_one("$#01", FrameEvent::bad_checksum, "");
  expect_one("$m1000,4#8f", FrameEvent::bad_checksum, "m1000,4");
}

BOOST_AUTO_TEST_CASE(bad_checksum_non_hex_digits) {
  expect_one("$OK#zz", FrameEvent::bad_checksum, "OK");
  expect_one("$OK#9g", FrameEvent::bad_checksum, "OK");
  expect_one("$OK#g9", FrameEvent::bad_checksum, "OK");
  expect_one("$OK#9 ", FrameEvent::bad_checksum, "OK");
  expect_one("$OK#-a", FrameEvent::bad_checksum, "OK");
}

BOOST_AUTO_TEST_CASE(decoder_recovers_after_bad_checksum) {
  const std::vector<Seen> want = {Bad("OK"), E(FrameEvent::nack), P("OK")};
  BOOST_TEST(decode_all("$OK#9x-$OK#9a") == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(upper_case_checksum_accepted) {
  expect_one("$OK#9A", FrameEvent::packet, "OK");
  expect_one("$Hg0#df", FrameEvent::packet, "Hg0");
  expect_one("$Hg0#DF", FrameEvent::packet, "Hg0");
  expect_one("$Hg0#Df", FrameEvent::packet, "Hg0");
  expect_one("$Hg0#dF", FrameEvent::packet, "Hg0");
  expect_one("$Hg0#DE", FrameEvent::bad_checksum, "Hg0");
}

BOOST_AUTO_TEST_CASE(escapes) {
  expect_one("$}]#da", FrameEvent::packet, "}");    // } escaped
  expect_one("$}\x03#80", FrameEvent::packet, "#");  // # escaped
  expect_one("$}\x04#81", FrameEvent::packet, "$");  // $ escaped
  expect_one("$}\x0a#87", FrameEvent::packet, "*");  // * escaped
  expect_one("$X0,4:}]}\x03}\x04}\x0a#84", FrameEvent::packet, "X0,4:}#$*");
  // Escapes of ordinary bytes also decode (x ^ 0x20 for any x).
  expect_one("$}\x20#9d", FrameEvent::packet, "\0"sv);
  expect_one("$}A#be", FrameEvent::packet, "a");
}

BOOST_AUTO_TEST_CASE(escape_split_across_feeds) {
  FrameDecoder d(64);
  auto s = d.feed("$a}"sv);
  BOOST_TEST(s.event == FrameEvent::none);
  BOOST_TEST(s.consumed == 3u);
  BOOST_TEST(d.in_packet());
  s = d.feed("]#3b"sv);
  BOOST_TEST(s.event == FrameEvent::packet);
  BOOST_TEST(s.consumed == 4u);
  BOOST_TEST(d.payload() == "a}");

  // The escape introducer as the only byte of a feed, twice in a row.
  FrameDecoder d2(64);
  for (std::string_view part : {"$"sv, "}"sv, "\x03"sv, "}"sv, "\x04"sv, "#"sv, "0"sv}) {
    s = d2.feed(part);
    BOOST_TEST(s.event == FrameEvent::none);
  }
  s = d2.feed("1"sv);  // '}'+0x03+'}'+0x04 = 0x101
  BOOST_TEST(s.event == FrameEvent::packet);
  BOOST_TEST(d2.payload() == "#$");
}

BOOST_AUTO_TEST_CASE(checksum_over_escaped_bytes) {
  // Payload "}" is sent as "}]": checksum 0x7d + 0x5d = 0xda, not 0x7d.
  expect_one("$}]#da", FrameEvent::packet, "}");
  expect_one("$}]#7d", FrameEvent::bad_checksum, "}");
  // "a}" sent as "a}]": 0x61 + 0x7d + 0x5d = 0x13b.
  expect_one("$a}]#3b", FrameEvent::packet, "a}");
  expect_one("$a}]#de", FrameEvent::bad_checksum, "a}");
}

BOOST_AUTO_TEST_CASE(star_from_client_is_ordinary) {
  expect_one("$a*b#ed", FrameEvent::packet, "a*b");
}

BOOST_AUTO_TEST_CASE(dollar_inside_packet_restarts) {
  expect_one("$abc$OK#9a", FrameEvent::packet, "OK");
  // The restart also resets the checksum: "zz" must not count.
  expect_one("$zz$OK#9a", FrameEvent::packet, "OK");
  // Checksums that would match if "zz" (and the '$') had been kept in the sum.
  expect_one("$zz$OK#8e", FrameEvent::bad_checksum, "OK");
  expect_one("$zz$OK#b2", FrameEvent::bad_checksum, "OK");
  // Split at the second '$'.
  FrameDecoder d(64);
  auto s = d.feed("$abc"sv);
  BOOST_TEST(s.event == FrameEvent::none);
  s = d.feed("$OK#9a"sv);
  BOOST_TEST(s.event == FrameEvent::packet);
  BOOST_TEST(s.consumed == 6u);
  BOOST_TEST(d.payload() == "OK");
}

BOOST_AUTO_TEST_CASE(overflow_at_max_plus_one) {
  expect_one("$abcd#8a", FrameEvent::packet, "abcd", 4);  // exactly max_payload: fine
  FrameDecoder d(4);
  BOOST_TEST(d.max_payload() == 4u);
  const std::string_view in = "$abcde#ef";
  const auto s = d.feed(in);
  BOOST_TEST(s.event == FrameEvent::overflow);
  BOOST_TEST(s.consumed == 6u);  // up to and including the fifth payload byte
  BOOST_TEST(!d.in_packet());
  // A fresh packet after the caller resynchronises decodes normally.
  const auto s2 = d.feed("$OK#9a"sv);
  BOOST_TEST(s2.event == FrameEvent::packet);
  BOOST_TEST(d.payload() == "OK");
}

BOOST_AUTO_TEST_CASE(overflow_byte_at_a_time) {
  FrameDecoder d(4);
  const std::string_view in = "$abcde";
  for (std::size_t i = 0; i + 1 < in.size(); ++i) {
    const auto s = d.feed(in.substr(i, 1));
    BOOST_TEST(s.event == FrameEvent::none);
  }
  const auto s = d.feed(in.substr(in.size() - 1));
  BOOST_TEST(s.event == FrameEvent::overflow);
  BOOST_TEST(s.consumed == 1u);
}

BOOST_AUTO_TEST_CASE(overflow_counts_unescaped_bytes) {
  // Four escaped '}' are 8 bytes on the wire but 4 in the payload: fits max_payload 4.
  expect_one("$}]}]}]}]#68", FrameEvent::packet, "}}}}", 4);
  // A fifth: overflow once its escape pair completes.
  FrameDecoder d(4);
  const auto s = d.feed("$}]}]}]}]}]#bf"sv);
  BOOST_TEST(s.event == FrameEvent::overflow);
  BOOST_TEST(s.consumed == 11u);
  // Mixed: 3 plain + 1 escaped = 4 fits; 4 plain + 1 escaped overflows.
  expect_one("$abc}]#00", FrameEvent::packet, "abc}", 4);
  FrameDecoder d2(4);
  const auto s2 = d2.feed("$abcd}]#xx"sv);
  BOOST_TEST(s2.event == FrameEvent::overflow);
  BOOST_TEST(s2.consumed == 7u);
}

BOOST_AUTO_TEST_CASE(zero_max_payload) {
  expect_one("$#00", FrameEvent::packet, "", 0);
  FrameDecoder d(0);
  const auto s = d.feed("$a#61"sv);
  BOOST_TEST(s.event == FrameEvent::overflow);
  BOOST_TEST(s.consumed == 2u);
}

BOOST_AUTO_TEST_CASE(pipelined_packets_in_order) {
  const std::string in = "+$OK#9a$Hg0#df\x03-$#00$m1000,4#8e"s;
  struct Want {
    FrameEvent event;
    std::size_t consumed;
    std::string_view payload;
  };
  const Want want[] = {
      {FrameEvent::ack, 1, ""},        {FrameEvent::packet, 6, "OK"},
      {FrameEvent::packet, 7, "Hg0"},  {FrameEvent::interrupt, 1, ""},
      {FrameEvent::nack, 1, ""},       {FrameEvent::packet, 4, ""},
      {FrameEvent::packet, 11, "m1000,4"},
  };
  FrameDecoder d(4096);
  std::string_view rest = in;
  for (const Want& w : want) {
    const auto s = d.feed(rest);
    BOOST_TEST(s.event == w.event);
    BOOST_TEST(s.consumed == w.consumed);
    if (w.event == FrameEvent::packet) BOOST_TEST(d.payload() == w.payload);
    rest.remove_prefix(std::min(s.consumed, rest.size()));
  }
  BOOST_TEST(rest.empty());
  const auto s = d.feed(rest);
  BOOST_TEST(s.event == FrameEvent::none);
}

BOOST_AUTO_TEST_CASE(empty_packet) {
  expect_one("$#00", FrameEvent::packet, "");
  expect_one("$#01", FrameEvent::bad_checksum, "");
}

// Clients never escape 0x03/0x04, so a raw `#`/`$` after `}` is framing, not data.
BOOST_AUTO_TEST_CASE(hash_after_escape_ends_a_malformed_packet) {
  expect_one("$m}#ea", FrameEvent::malformed, "m");
  expect_one("$m}#00", FrameEvent::bad_checksum, "m");
}

BOOST_AUTO_TEST_CASE(dollar_after_escape_restarts) {
  expect_one("$m}$a#61", FrameEvent::packet, "a");
}

BOOST_AUTO_TEST_CASE(nul_bytes_inside_packet) {
  FrameDecoder d(64);
  const std::string in = "$a\0b#c3"s;
  const auto s = d.feed(in);
  BOOST_TEST(s.event == FrameEvent::packet);
  BOOST_TEST(s.consumed == 7u);
  BOOST_TEST(d.payload().size() == 3u);
  BOOST_TEST(d.payload() == "a\0b"sv);
  expect_one("$\0\0\0#00"sv, FrameEvent::packet, "\0\0\0"sv);
}

BOOST_AUTO_TEST_CASE(large_binary_packet_round_trip) {
  // An X packet with every byte value, escaped by the independent reference escaper.
  const auto data = rsptest::test_bytes(5000, 99);
  const std::string body = "X1000,1388:" + rsptest::ref_escape(data);
  const std::string wire = rsptest::frame(body);
  const std::string want_payload =
      "X1000,1388:" + std::string(reinterpret_cast<const char*>(data.data()), data.size());
  for (std::size_t chunk : {wire.size(), std::size_t{1}, std::size_t{7}, std::size_t{4096}}) {
    BOOST_TEST_CONTEXT("chunk " << chunk) {
      const auto got = decode_chunked(wire, {chunk}, 5011);
      BOOST_TEST_REQUIRE(got.size() == 1u);
      BOOST_TEST(got[0].event == FrameEvent::packet);
      BOOST_TEST((got[0].payload == want_payload));
    }
  }
  // One byte less of room: overflow.
  const auto small = decode_all(wire, 5010);
  BOOST_TEST_REQUIRE(small.size() >= 1u);
  BOOST_TEST(small[0].event == FrameEvent::overflow);
}

BOOST_AUTO_TEST_SUITE_END()
