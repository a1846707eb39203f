// Streamed m/x replies (SessionConfig::stream_chunk): a long read is sent in pieces, read from
// the target piece by piece, and the client sees exactly the one packet it would have got
// whole. Only without acks, only when packets are not being logged.
#include <boost/test/unit_test.hpp>

#include <cstdio>

#include "fixture.hpp"

using namespace rspstub;
using namespace rspstub::test;

namespace {

struct StreamingFixture : SessionFixture {
  StreamingFixture() {
    config.stream_chunk = 0x100;
    restart();
  }

  // Feeds one packet and collects the first step and every further piece by hand, so the
  // pieces themselves can be inspected.
  std::vector<std::string> pieces_of(std::string_view payload) {
    const std::string in = frame(payload);
    std::vector<std::string> pieces;
    auto step = session->feed({in.data(), in.size()});
    BOOST_REQUIRE(step.consumed == in.size());
    pieces.emplace_back(step.output);
    while (step.more) {
      step = session->continue_reply();
      BOOST_TEST(step.consumed == 0u);
      pieces.emplace_back(step.output);
    }
    return pieces;
  }

  static std::string joined(const std::vector<std::string>& pieces) {
    std::string all;
    for (const auto& p : pieces) all += p;
    return all;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(streaming, StreamingFixture)

BOOST_AUTO_TEST_CASE(a_long_read_goes_out_in_pieces_that_make_one_packet) {
  go_no_ack();
  // 0x800 bytes in pieces of 0x100: eight pieces, the first opens the packet, only the last
  // closes it, and the whole is the exact packet with one checksum.
  const auto pieces = pieces_of("x600010,800");
  BOOST_TEST(pieces.size() == 8u);
  BOOST_TEST(pieces.front().front() == '$');
  for (std::size_t i = 0; i + 1 < pieces.size(); ++i)
    BOOST_TEST(pieces[i].find('#') == std::string::npos);  // '#' in data is always escaped
  BOOST_TEST(unescape(payload_of(joined(pieces))) == "b" + pattern(0x600010, 0x800));

  const auto hex = pieces_of("m600010,800");
  BOOST_TEST(hex.size() == 8u);
  BOOST_TEST(payload_of(joined(hex)) == to_hex(pattern(0x600010, 0x800)));
}

BOOST_AUTO_TEST_CASE(streamed_and_whole_replies_are_byte_identical) {
  go_no_ack();
  const std::string streamed_x = wire->send("x600001,1fff");
  const std::string streamed_m = wire->send("m600001,1fff");
  BOOST_TEST(wire->pieces > 0u);
  config.read_ahead = false;  // streamed, each piece read in place when it is due
  restart();
  go_no_ack();
  BOOST_TEST(wire->send("x600001,1fff") == streamed_x);
  BOOST_TEST(wire->send("m600001,1fff") == streamed_m);
  BOOST_TEST(wire->pieces > 0u);
  config.stream_chunk = 0;  // never stream
  restart();
  go_no_ack();
  BOOST_TEST(wire->send("x600001,1fff") == streamed_x);
  BOOST_TEST(wire->send("m600001,1fff") == streamed_m);
  BOOST_TEST(wire->pieces == 0u);
}

// Every read lands half a page from its source modulo 4 KiB (protocol/copy_placement.hpp), with
// and without read-ahead, streamed or whole, whatever the address: never in the window where the
// kernel's copy slows down.
BOOST_AUTO_TEST_CASE(reads_are_placed_away_from_their_source_modulo_4k) {
  for (int mode = 0; mode < 3; ++mode) {
    config.read_ahead = mode == 0;
    config.stream_chunk = mode == 2 ? 0 : 0x100;
    restart();
    go_no_ack();
    const std::size_t before = proc.read_calls();
    // Steps of 61 bytes through a page: whatever the buffers' own addresses, an unplaced
    // destination would fall in the 64-byte window for some of them.
    for (std::uint64_t addr = 0x600000; addr < 0x601000; addr += 61) {
      char at[24];
      std::snprintf(at, sizeof at, "%llx", static_cast<unsigned long long>(addr));
      BOOST_TEST(unescape(ask(std::string("x") + at + ",400")) == "b" + pattern(addr, 0x400));
      BOOST_TEST(ask(std::string("m") + at + ",400") == to_hex(pattern(addr, 0x400)));
      BOOST_TEST(ask(std::string("m") + at + ",8") == to_hex(pattern(addr, 8)));
    }
    BOOST_TEST_CONTEXT("mode " << mode) {
      BOOST_TEST(proc.read_calls() - before >= 3 * 68u);
      BOOST_TEST(proc.aliased_reads() == 0u);
    }
  }
}

BOOST_AUTO_TEST_CASE(with_acks_a_reply_is_never_streamed) {
  // A `-` may ask for the reply again: it must still be whole.
  wire->feed("+");
  const std::string reply = wire->send("x600000,800");
  BOOST_TEST(wire->pieces == 0u);
  BOOST_TEST(unescape(payload_of(reply, true)) == "b" + pattern(0x600000, 0x800));
  wire->feed("-");  // the resend is the same packet
  BOOST_TEST(wire->feed("-") == reply.substr(1));
}

BOOST_AUTO_TEST_CASE(a_read_running_into_a_gap_ends_the_packet_with_the_readable_prefix) {
  go_no_ack();
  // 0x601c80 + 0x800 runs past the end of the rw region (0x602000) in the fourth piece.
  BOOST_TEST(unescape(ask("x601c80,800")) == "b" + pattern(0x601c80, 0x380));
  BOOST_TEST(ask("m601c80,800") == to_hex(pattern(0x601c80, 0x380)));
  // Ending exactly at a piece boundary: the next piece reads nothing and ends the packet.
  BOOST_TEST(unescape(ask("x601d00,800")) == "b" + pattern(0x601d00, 0x300));
  // Nothing readable at all: an error, never streamed.
  BOOST_TEST(ask("x602000,800") == "E04");
}

BOOST_AUTO_TEST_CASE(a_process_dying_mid_reply_gets_a_valid_shorter_reply) {
  go_no_ack();
  const std::string in = frame("x600000,800");
  auto step = session->feed({in.data(), in.size()});
  BOOST_REQUIRE(step.more);
  std::string all(step.output);
  proc.kill();  // the target exits between two pieces
  while (step.more) {
    step = session->continue_reply();
    all += step.output;
  }
  // The first piece was read before the kill; the second was read ahead alongside it, so it
  // may have made it too. Either way the reply is a valid packet with a readable prefix.
  const std::string got = unescape(payload_of(all));
  BOOST_TEST((got == "b" + pattern(0x600000, 0x100) || got == "b" + pattern(0x600000, 0x200)),
             "reply of " << got.size() << " bytes");
  // The next request sees the dead process.
  BOOST_TEST(ask("m600000,4") == "E06");
}

BOOST_AUTO_TEST_CASE(an_abandoned_streamed_reply_leaves_nothing_behind) {
  // The connection ended part way through a streamed reply (Connection::finish): the read
  // ahead is waited for, and nothing of that reply reaches the next request's answer.
  go_no_ack();
  const std::string in = frame("x600000,800");
  auto step = session->feed({in.data(), in.size()});
  BOOST_REQUIRE(step.more);
  session->abandon_reply();
  BOOST_TEST(!session->continue_reply().more);
  BOOST_TEST(session->continue_reply().output.empty());
  BOOST_TEST(ask("m600000,4") == to_hex(pattern(0x600000, 4)));
  // And a new streamed read is whole again.
  BOOST_TEST(unescape(ask("x600000,800")) == "b" + pattern(0x600000, 0x800));
}

BOOST_AUTO_TEST_CASE(a_reply_paused_for_the_server_goes_on_whole) {
  // The server polls the process's events between two pieces (Server::poll_target_events):
  // it waits for the read ahead first, and the reply then goes on as if nothing happened.
  go_no_ack();
  for (const char* request : {"x600010,800", "m600010,800"}) {
    const std::string in = frame(request);
    auto step = session->feed({in.data(), in.size()});
    BOOST_REQUIRE(step.more);
    std::string all(step.output);
    while (step.more) {
      session->quiesce();
      session->quiesce();  // twice: nothing in flight the second time
      step = session->continue_reply();
      all += step.output;
    }
    const std::string data = request[0] == 'x' ? unescape(payload_of(all)) : payload_of(all);
    BOOST_TEST(data == (request[0] == 'x' ? "b" + pattern(0x600010, 0x800)
                                          : to_hex(pattern(0x600010, 0x800))));
  }
}

BOOST_AUTO_TEST_CASE(pipelined_requests_after_a_streamed_reply_are_answered_in_order) {
  go_no_ack();
  const std::string out = wire->feed(frame("x600000,400") + frame("m600000,2") + frame("qC"));
  const std::string expected_first_payload = "b" + pattern(0x600000, 0x400);
  // Split the three packets: each ends with '#' and two checksum digits.
  std::vector<std::string> packets;
  std::size_t at = 0;
  while (at < out.size()) {
    const std::size_t hash = out.find('#', at);
    BOOST_REQUIRE(hash != std::string::npos);
    packets.push_back(out.substr(at, hash + 3 - at));
    at = hash + 3;
  }
  BOOST_REQUIRE(packets.size() == 3u);
  BOOST_TEST(unescape(payload_of(packets[0])) == expected_first_payload);
  BOOST_TEST(payload_of(packets[1]) == to_hex(pattern(0x600000, 2)));
  BOOST_TEST(payload_of(packets[2]).substr(0, 2) == "QC");
}

BOOST_AUTO_TEST_CASE(continue_without_a_streamed_reply_gives_nothing) {
  go_no_ack();
  BOOST_TEST(ask("m600000,4") == to_hex(pattern(0x600000, 4)));
  const auto step = session->continue_reply();
  BOOST_TEST(step.output.empty());
  BOOST_TEST(!step.more);
}

BOOST_AUTO_TEST_SUITE_END()
