// Acks, retransmission, pipelining, interrupts and oversize input at the session level.
#include <boost/test/unit_test.hpp>

#include "fixture.hpp"

using namespace rspstub::test;

BOOST_FIXTURE_TEST_SUITE(transport, SessionFixture)

BOOST_AUTO_TEST_CASE(nack_resends_the_last_reply_without_ack) {
  const std::string first = wire->send("m600000,2");
  BOOST_TEST(first == "+" + frame(to_hex(pattern(0x600000, 2))));
  BOOST_TEST(wire->feed("-") == frame(to_hex(pattern(0x600000, 2))));
  BOOST_TEST(wire->feed("-") == frame(to_hex(pattern(0x600000, 2))));
  BOOST_TEST(wire->feed("+") == "");
}

BOOST_AUTO_TEST_CASE(nack_before_any_reply_is_ignored) { BOOST_TEST(wire->feed("-") == ""); }

BOOST_AUTO_TEST_CASE(bad_checksum_asks_again_in_ack_mode) {
  BOOST_TEST(wire->feed("$m600000,2#00") == "-");
  BOOST_TEST(wire->send("m600000,2") == "+" + frame(to_hex(pattern(0x600000, 2))));
}

BOOST_AUTO_TEST_CASE(bad_checksum_in_no_ack_mode_gets_an_error_not_silence) {
  go_no_ack();
  BOOST_TEST(wire->feed("$m600000,2#00") == frame("E01"));
  BOOST_TEST(ask("m600000,2") == to_hex(pattern(0x600000, 2)));
}

BOOST_AUTO_TEST_CASE(hundred_pipelined_requests_answered_in_order) {
  go_no_ack();
  std::string burst;
  std::string expected;
  for (int i = 0; i < 100; ++i) {
    char req[32];
    std::snprintf(req, sizeof req, "m%x,4", 0x600000 + i * 4);
    burst += frame(req);
    expected += frame(to_hex(pattern(0x600000 + i * 4, 4)));
  }
  BOOST_TEST(wire->feed(burst) == expected);
}

BOOST_AUTO_TEST_CASE(bytes_split_anywhere_give_the_same_replies) {
  go_no_ack();
  const std::string burst = frame("m600000,4") + "+" + frame("qC") + frame("m400000,2");
  SessionFixture other;
  other.go_no_ack();
  const std::string whole = other.wire->feed(burst);
  std::string byte_by_byte;
  for (char c : burst) byte_by_byte += wire->feed(std::string(1, c));
  BOOST_TEST(byte_by_byte == whole);
  BOOST_TEST(!whole.empty());
}

BOOST_AUTO_TEST_CASE(dangling_escape_gets_an_error_and_a_restart_still_works) {
  go_no_ack();
  BOOST_TEST(wire->feed("$m600000,4}#" + checksum_hex("m600000,4}")) == frame("E01"));
  BOOST_TEST(wire->feed("$m}" + frame("m600001,1")) == frame(to_hex(pattern(0x600001, 1))));
}

BOOST_AUTO_TEST_CASE(noise_and_interrupts_between_packets_are_skipped) {
  go_no_ack();
  BOOST_TEST(wire->feed("garbage\x03\r\n+++---") == "");
  BOOST_TEST(ask("m600000,1") == to_hex(pattern(0x600000, 1)));
}

BOOST_AUTO_TEST_CASE(unterminated_packet_restarts_at_next_dollar) {
  go_no_ack();
  BOOST_TEST(wire->feed("$m600000,4") == "");
  BOOST_TEST(wire->feed(frame("m600001,1")) == frame(to_hex(pattern(0x600001, 1))));
}

BOOST_AUTO_TEST_CASE(oversized_packet_closes_without_buffering_it_all) {
  config.packet_size = 1024;
  restart();
  go_no_ack();
  std::string huge = "$" + std::string(1 << 20, 'm');  // never terminated
  const std::string out = wire->feed(huge);
  BOOST_TEST(wire->closed);
  BOOST_TEST(payload_of(out) == "E03");
}

BOOST_AUTO_TEST_CASE(unknown_packets_get_the_empty_reply) {
  go_no_ack();
  for (const char* p : {"vMustReplyEmpty", "qTStatus", "jThreadsInfo", "qFooBar", "vFile:unlink:2f",
                        "QNonStop:1", "!", "qXfer:osdata:read::0,1000"})
    BOOST_TEST_CONTEXT(p) { BOOST_TEST(ask(p) == ""); }
}

BOOST_AUTO_TEST_SUITE_END()
