// protocol/reply.hpp: ReplyBuffer, the stub -> client packet builder. Expected wire bytes are
// literal (checksums computed by hand) or built by the independent helpers in test_util.hpp.
#include <boost/test/unit_test.hpp>
#include <cstring>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/reply.hpp"
#include "test_util.hpp"

using rspstub::protocol::ErrorCode;
using rspstub::protocol::ErrorStyle;
using rspstub::protocol::ReplyBuffer;
using rspstub::protocol::StagedEncoding;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

std::vector<std::byte> B(std::initializer_list<unsigned> v) {
  std::vector<std::byte> out;
  for (unsigned x : v) out.push_back(static_cast<std::byte>(x));
  return out;
}

// Stages `data` as if copied from address `source`, encodes the first `used` bytes and returns
// nothing; the caller finishes.
void stage_copy(ReplyBuffer& r, std::span<const std::byte> data, std::size_t used,
                StagedEncoding enc, std::string_view prefix = {}, std::uint64_t source = 0) {
  std::span<std::byte> room = r.stage(data.size(), source, prefix);
  BOOST_REQUIRE(room.size() == data.size());
  // Half a page from the source modulo 4 KiB (protocol/copy_placement.hpp).
  BOOST_TEST(((reinterpret_cast<std::uintptr_t>(room.data()) - source) & 4095) == 2048u);
  if (!data.empty()) std::memcpy(room.data(), data.data(), data.size());
  r.encode_staged(used, enc);
}

std::string reference_payload(std::span<const std::byte> data, StagedEncoding enc) {
  return enc == StagedEncoding::hex ? rsptest::ref_hex(data) : rsptest::ref_escape(data);
}

const char* name(StagedEncoding e) { return e == StagedEncoding::hex ? "hex" : "binary"; }

std::string one(void (*fill)(ReplyBuffer&), bool ack = false) {
  ReplyBuffer r;
  r.begin(ack);
  fill(r);
  r.finish();
  return std::string(r.wire());
}

}  // namespace

BOOST_AUTO_TEST_SUITE(reply)

BOOST_AUTO_TEST_CASE(ok_packet) {
  ReplyBuffer r;
  r.begin(false);
  r.put("OK");
  r.finish();
  BOOST_TEST(r.wire() == "$OK#9a");
  BOOST_TEST(r.packet() == "$OK#9a");
  BOOST_TEST(r.payload() == "OK");
  BOOST_TEST(!r.empty());
}

BOOST_AUTO_TEST_CASE(ok_packet_with_ack) {
  ReplyBuffer r;
  r.begin(true);
  r.put("OK");
  r.finish();
  BOOST_TEST(r.wire() == "+$OK#9a");
  BOOST_TEST(r.packet() == "$OK#9a");  // what a '-' resends: no ack
  BOOST_TEST(r.payload() == "OK");
}

BOOST_AUTO_TEST_CASE(empty_reply) {
  ReplyBuffer r;
  r.begin(false);
  r.finish();
  BOOST_TEST(r.wire() == "$#00");
  BOOST_TEST(r.payload() == "");
  r.begin(true);
  r.finish();
  BOOST_TEST(r.wire() == "+$#00");
  BOOST_TEST(r.packet() == "$#00");
}

BOOST_AUTO_TEST_CASE(fresh_buffer_is_empty) {
  ReplyBuffer r;
  BOOST_TEST(r.empty());
  BOOST_TEST(r.wire() == "");
  BOOST_TEST(r.capacity() >= 256u);
}

BOOST_AUTO_TEST_CASE(finish_is_idempotent) {
  ReplyBuffer r;
  r.begin(true);
  r.put("OK");
  r.finish();
  r.finish();
  BOOST_TEST(r.wire() == "+$OK#9a");
  BOOST_TEST(r.payload() == "OK");
}

BOOST_AUTO_TEST_CASE(payload_before_finish) {
  ReplyBuffer r;
  r.begin(true);
  r.put("S05");
  BOOST_TEST(r.payload() == "S05");
  r.finish();
  BOOST_TEST(r.wire() == "+$S05#b8");
}

BOOST_AUTO_TEST_CASE(put_escapes_special_chars) {
  BOOST_TEST(one([](ReplyBuffer& r) { r.put("a#b$c}d*e"); }) ==
             "$a}\x03" "b}\x04" "c}]d}\x0a" "e#51");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put('#'); }) == "$}\x03#80");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put('$'); }) == "$}\x04#81");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put('}'); }) == "$}]#da");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put('*'); }) == "$}\x0a#87");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put('a'); }) == "$a#61");
  // Nothing else is escaped: not 0x03, not NUL, not '+', '-', 0xff.
  BOOST_TEST(one([](ReplyBuffer& r) { r.put("\x03+-"sv); }) == "$\x03+-#5b");
}

BOOST_AUTO_TEST_CASE(put_binary_escapes) {
  const std::string want = "$\0}\x03}\x04}]}\x0a\xff#61"s;
  BOOST_TEST(one([](ReplyBuffer& r) {
               const auto b = B({0x00, 0x23, 0x24, 0x7d, 0x2a, 0xff});
               r.put_binary(b);
             }) == want);
}

BOOST_AUTO_TEST_CASE(put_binary_every_byte_value) {
  std::vector<std::byte> all(256);
  for (unsigned i = 0; i < 256; ++i) all[i] = static_cast<std::byte>(i);
  ReplyBuffer r;
  r.begin(false);
  r.put_binary(all);
  r.finish();
  BOOST_TEST(r.wire() == rsptest::frame(rsptest::ref_escape(all)));
  BOOST_TEST(r.wire().size() == 1u + 256u + 4u + 3u);  // 4 escaped bytes, "$", "#cs"
}

BOOST_AUTO_TEST_CASE(put_hex) {
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex(B({0xde, 0xad, 0xbe, 0xef})); }) ==
             "$deadbeef#20");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex(B({0x00, 0x23, 0x7d, 0xff})); }) ==
             "$00237dff#2c");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex(B({})); }) == "$#00");
}

BOOST_AUTO_TEST_CASE(put_hex_number) {
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_number(0); }) == "$0#30");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_number(0x1); }) == "$1#31");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_number(0x10); }) == "$10#61");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_number(0xdeadbeef); }) == "$deadbeef#20");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_number(0xffffffffffffffffull); }) ==
             "$ffffffffffffffff#60");
}

BOOST_AUTO_TEST_CASE(put_hex_text) {
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_text("hello"); }) == "$68656c6c6f#a7");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_hex_text(""); }) == "$#00");
}

BOOST_AUTO_TEST_CASE(put_error_code_only) {
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::no_memory, ErrorStyle::code_only); }) ==
             "$E04#a9");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::malformed, ErrorStyle::code_only); }) ==
             "$E01#a6");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::read_only, ErrorStyle::code_only); }) ==
             "$E0c#d8");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::no_memory, ErrorStyle::code_only); },
                 true) == "+$E04#a9");
}

BOOST_AUTO_TEST_CASE(put_error_code_and_hex) {
  BOOST_TEST(
      one([](ReplyBuffer& r) { r.put_error(ErrorCode::no_memory, ErrorStyle::code_and_hex); }) ==
      "$E04;6e6f2061636365737369626c65206d656d6f727920617420746869732061646472657373#d3");
  BOOST_TEST(
      one([](ReplyBuffer& r) { r.put_error(ErrorCode::malformed, ErrorStyle::code_and_hex); }) ==
      "$E01;6d616c666f726d6564207061636b6574#62");
  BOOST_TEST(
      one([](ReplyBuffer& r) { r.put_error(ErrorCode::read_only, ErrorStyle::code_and_hex); }) ==
      "$E0c;726566757365643a20727370737475622072756e732077697468202d2d726561642d6f6e6c79#34");
}

BOOST_AUTO_TEST_CASE(put_error_dot_text) {
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::no_memory, ErrorStyle::dot_text); }) ==
             "$E.no accessible memory at this address#0a");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::malformed, ErrorStyle::dot_text); }) ==
             "$E.malformed packet#c2");
  BOOST_TEST(one([](ReplyBuffer& r) { r.put_error(ErrorCode::read_only, ErrorStyle::dot_text); }) ==
             "$E.refused: rspstub runs with --read-only#97");
}

BOOST_AUTO_TEST_CASE(put_error_every_code_two_digits) {
  for (const auto& info : rspstub::protocol::error_table()) {
    ReplyBuffer r;
    r.begin(false);
    r.put_error(info.code, ErrorStyle::code_only);
    r.finish();
    const std::string payload = "E" + rsptest::hex2(static_cast<unsigned>(info.code));
    BOOST_TEST(r.wire() == rsptest::frame(payload));
    BOOST_TEST(r.payload().size() == 3u);
  }
}

BOOST_AUTO_TEST_CASE(stage_small_literal) {
  const auto data = B({0x00, 0x23, 0x7d, 0xff});
  ReplyBuffer r;
  r.begin(false);
  stage_copy(r, data, 4, StagedEncoding::hex);
  r.finish();
  BOOST_TEST(r.wire() == "$00237dff#2c");

  r.begin(false);
  stage_copy(r, data, 4, StagedEncoding::binary);
  r.finish();
  BOOST_TEST(r.wire() == "$\0}\x03}]\xff#59"s);

  r.begin(true);
  stage_copy(r, data, 4, StagedEncoding::binary, "b");
  r.finish();
  BOOST_TEST(r.wire() == "+$b\0}\x03}]\xff#bb"s);
  BOOST_TEST(r.packet() == "$b\0}\x03}]\xff#bb"s);
}

BOOST_AUTO_TEST_CASE(stage_sizes_against_reference) {
  const std::size_t sizes[] = {0, 1, 2, 3, 4095, 65536, std::size_t{1} << 20};
  for (StagedEncoding enc : {StagedEncoding::hex, StagedEncoding::binary}) {
    for (std::size_t n : sizes) {
      for (bool ack : {false, true}) {
        // The source address moves the staged bytes by up to a page; the output must not care.
        const std::uint64_t source = n * 977 + (ack ? 0x7ff : 0xfff);
        BOOST_TEST_CONTEXT(name(enc) << " n=" << n << " ack=" << ack << " source=" << source) {
          const auto data = rsptest::test_bytes(n, static_cast<std::uint32_t>(n * 3 + 1));
          ReplyBuffer r;
          r.begin(ack);
          stage_copy(r, data, n, enc, {}, source);
          r.finish();
          const std::string want = (ack ? "+" : "") + rsptest::frame(reference_payload(data, enc));
          BOOST_TEST(r.wire().size() == want.size());
          BOOST_TEST((r.wire() == want));
          BOOST_TEST((r.payload() == reference_payload(data, enc)));
        }
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(stage_escape_heavy_binary) {
  // Worst case for in-place escaping: every byte needs an escape (output = 2n).
  for (std::size_t n : {std::size_t{1}, std::size_t{2}, std::size_t{4096}, std::size_t{65537}}) {
    std::vector<std::byte> data(n);
    const unsigned special[] = {0x23, 0x24, 0x7d, 0x2a};
    for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<std::byte>(special[i % 4]);
    ReplyBuffer r;
    r.begin(false);
    stage_copy(r, data, n, StagedEncoding::binary, "b");
    r.finish();
    BOOST_TEST_CONTEXT("n=" << n) {
      BOOST_TEST((r.wire() == rsptest::frame("b" + rsptest::ref_escape(data))));
      BOOST_TEST(r.wire().size() == 1 + 1 + 2 * n + 3);
    }
  }
}

BOOST_AUTO_TEST_CASE(stage_short_used) {
  const auto data = rsptest::test_bytes(1000, 5);
  const std::span<const std::byte> head(data.data(), 37);
  for (StagedEncoding enc : {StagedEncoding::hex, StagedEncoding::binary}) {
    BOOST_TEST_CONTEXT(name(enc)) {
      ReplyBuffer r;
      r.begin(false);
      stage_copy(r, data, 37, enc);
      r.finish();
      BOOST_TEST((r.wire() == rsptest::frame(reference_payload(head, enc))));

      // used > n is clamped to n.
      const auto three = B({0x31, 0x2a, 0x00});
      r.begin(false);
      stage_copy(r, three, 10, enc);
      r.finish();
      BOOST_TEST((r.wire() == rsptest::frame(reference_payload(three, enc))));
    }
  }
  // Literal: 2 of 4 staged bytes.
  ReplyBuffer r;
  r.begin(false);
  stage_copy(r, B({0x00, 0x23, 0x7d, 0xff}), 2, StagedEncoding::hex);
  r.finish();
  BOOST_TEST(r.wire() == "$0023#c5");
}

BOOST_AUTO_TEST_CASE(stage_nothing_used) {
  ReplyBuffer r;
  r.begin(false);
  stage_copy(r, B({1, 2, 3}), 0, StagedEncoding::hex);
  r.finish();
  BOOST_TEST(r.wire() == "$#00");

  // With a prefix: the prefix is not written when nothing was read, so an error can follow.
  r.begin(true);
  stage_copy(r, B({1, 2, 3}), 0, StagedEncoding::binary, "b");
  r.put_error(ErrorCode::no_memory, ErrorStyle::code_only);
  r.finish();
  BOOST_TEST(r.wire() == "+$E04#a9");
}

BOOST_AUTO_TEST_CASE(stage_after_payload_text) {
  const auto data = B({0x00, 0x23, 0x7d, 0xff});
  ReplyBuffer r;
  r.begin(false);
  r.put('b');
  stage_copy(r, data, 4, StagedEncoding::binary);
  r.finish();
  BOOST_TEST(r.wire() == "$b\0}\x03}]\xff#bb"s);

  r.begin(false);
  stage_copy(r, data, 4, StagedEncoding::hex, "b");
  r.finish();
  BOOST_TEST(r.wire() == "$b00237dff#8e");

  r.begin(false);
  r.put("OK");
  stage_copy(r, data, 4, StagedEncoding::hex);
  r.finish();
  BOOST_TEST(r.wire() == "$OK00237dff#c6");

  // qXfer style: 'l' then binary, short.
  r.begin(false);
  r.put('l');
  stage_copy(r, data, 2, StagedEncoding::binary);
  r.finish();
  BOOST_TEST(r.wire() == "$l\0}\x03#ec"s);

  // Large, after text, against the reference.
  const auto big = rsptest::test_bytes(70000, 11);
  for (StagedEncoding enc : {StagedEncoding::hex, StagedEncoding::binary}) {
    r.begin(true);
    r.put("l");
    stage_copy(r, big, big.size(), enc, "b");
    r.put("#");  // more text after the staged data
    r.finish();
    BOOST_TEST_CONTEXT(name(enc)) {
      BOOST_TEST((r.wire() == "+" + rsptest::frame("lb" + reference_payload(big, enc) + "}\x03")));
    }
  }
}

BOOST_AUTO_TEST_CASE(two_stagings_in_one_packet) {
  ReplyBuffer r;
  r.begin(false);
  stage_copy(r, B({0xde, 0xad}), 2, StagedEncoding::hex);
  stage_copy(r, B({0xbe, 0xef}), 2, StagedEncoding::hex);
  r.finish();
  BOOST_TEST(r.wire() == "$deadbeef#20");
}

BOOST_AUTO_TEST_CASE(begin_resets) {
  ReplyBuffer r;
  r.begin(true);
  r.put("junk that is not sent");
  r.begin(false);
  r.put("OK");
  r.finish();
  BOOST_TEST(r.wire() == "$OK#9a");

  // A big finished packet, then a small one: nothing of the first survives.
  r.begin(true);
  stage_copy(r, rsptest::test_bytes(5000, 3), 5000, StagedEncoding::hex);
  r.finish();
  r.begin(false);
  r.finish();
  BOOST_TEST(r.wire() == "$#00");
  r.begin(false);
  r.put_hex_number(0x1);
  r.finish();
  BOOST_TEST(r.wire() == "$1#31");
}

BOOST_AUTO_TEST_CASE(reuse_without_growth_after_warm_up) {
  constexpr std::size_t kMax = std::size_t{1} << 20;
  const auto data = rsptest::test_bytes(kMax, 42);
  ReplyBuffer r;
  // Warm-up: the largest packet of each kind once.
  for (StagedEncoding enc : {StagedEncoding::hex, StagedEncoding::binary}) {
    r.begin(true);
    stage_copy(r, data, kMax, enc, "b");
    r.finish();
  }
  const std::size_t warm = r.capacity();
  BOOST_TEST(warm >= 2 * kMax + 6);

  std::mt19937 rng(7);
  std::uniform_int_distribution<std::size_t> size_dist(0, 70000);
  for (int i = 0; i < 400; ++i) {
    const bool ack = (i % 3) == 0;
    const StagedEncoding enc = (i % 2) ? StagedEncoding::hex : StagedEncoding::binary;
    const std::size_t n = (i % 50 == 49) ? kMax : size_dist(rng);
    const std::size_t used = (i % 4 == 0 && n > 0) ? n / 2 : n;
    const std::size_t off = static_cast<std::size_t>(i) * 131 % 1000;
    const std::span<const std::byte> src(data.data() + off, std::min(n, kMax - off));
    r.begin(ack);
    if (i % 5 == 0) r.put("l");
    stage_copy(r, src, used, enc, {}, static_cast<std::uint64_t>(i) * 4093);
    r.finish();
    BOOST_TEST_CONTEXT("packet " << i << " n=" << src.size() << " used=" << used) {
      BOOST_TEST(r.capacity() == warm);
      const std::span<const std::byte> sent = src.first(std::min(used, src.size()));
      const std::string want = (ack ? "+" : "") +
                               rsptest::frame((i % 5 == 0 ? "l" : "") + reference_payload(sent, enc));
      BOOST_TEST((r.wire() == want));
    }
  }
  // Small text packets do not grow it either.
  for (int i = 0; i < 1000; ++i) {
    r.begin(i & 1);
    r.put("OK");
    r.finish();
  }
  BOOST_TEST(r.capacity() == warm);
  BOOST_TEST(r.wire() == "+$OK#9a");
}

BOOST_AUTO_TEST_CASE(growth_is_geometric) {
  // 1 MiB written one byte at a time: the buffer may reallocate only O(log n) times.
  ReplyBuffer r;
  r.begin(false);
  std::set<std::size_t> capacities{r.capacity()};
  for (std::size_t i = 0; i < (std::size_t{1} << 20); ++i) {
    r.put('a');
    capacities.insert(r.capacity());
  }
  r.finish();
  BOOST_TEST(capacities.size() <= 16u);
  BOOST_TEST(r.wire().size() == (std::size_t{1} << 20) + 4);
  BOOST_TEST(r.wire().substr(r.wire().size() - 3) == "#00");  // 0x61 * 2^20 = 0 mod 256
}

// put_encoded (a streamed piece read ahead into a buffer of its own) appends exactly what
// staging the same bytes would, and its checksum runs on across continue_packet().
BOOST_AUTO_TEST_CASE(put_encoded_appends_and_keeps_the_checksum_across_pieces) {
  std::mt19937 rng(7);
  std::vector<std::byte> data(1000);
  for (auto& b : data) b = static_cast<std::byte>(rng() % 256);
  data[3] = std::byte{'#'};
  data[500] = std::byte{'}'};
  for (StagedEncoding enc : {StagedEncoding::hex, StagedEncoding::binary}) {
    ReplyBuffer r;
    r.begin(false);
    r.put('b');
    std::string wire;
    for (std::size_t at = 0; at < data.size(); at += 300) {
      const std::size_t n = std::min<std::size_t>(300, data.size() - at);
      r.put_encoded(std::span(data).subspan(at, n), enc);
      wire += r.take_partial();
      r.continue_packet();
    }
    r.put_encoded({}, enc);  // nothing: no change
    r.finish();
    wire += r.wire();
    BOOST_TEST(wire == rsptest::frame("b" + reference_payload(data, enc)), name(enc));
  }
}

BOOST_AUTO_TEST_SUITE_END()

// The 16-byte blocks of the encoders: every length around the block size, with special bytes
// at every position of a block (first, last, straddling), alone and in runs.
BOOST_AUTO_TEST_CASE(stage_block_boundaries_against_reference) {
  for (StagedEncoding enc : {StagedEncoding::hex, StagedEncoding::binary}) {
    for (std::size_t n = 0; n <= 70; ++n) {
      for (std::size_t at = 0; at <= n; ++at) {
        BOOST_TEST_CONTEXT(name(enc) << " n=" << n << " special at " << at) {
          auto data = rsptest::test_bytes(n, static_cast<std::uint32_t>(n * 7 + at));
          for (auto& b : data)  // no accidental specials: only the planted ones
            if (b == std::byte{'#'} || b == std::byte{'$'} || b == std::byte{'}'} ||
                b == std::byte{'*'})
              b = std::byte{'a'};
          const unsigned char special[] = {'#', '$', '}', '*'};
          for (std::size_t k = at; k < n && k < at + 1 + n % 5; ++k)
            data[k] = static_cast<std::byte>(special[k % 4]);
          ReplyBuffer r;
          r.begin(false);
          stage_copy(r, data, n, enc, "b");
          r.finish();
          const std::string want =
              rsptest::frame((n ? "b" : "") + reference_payload(data, enc));
          BOOST_TEST((r.wire() == want));
        }
      }
    }
  }
}
