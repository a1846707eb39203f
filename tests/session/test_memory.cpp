// m and x: exact bytes, short (prefix) replies, bounds, and writes.
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "fixture.hpp"

using namespace rspstub::test;

BOOST_FIXTURE_TEST_SUITE(memory, SessionFixture)

BOOST_AUTO_TEST_CASE(m_returns_exact_hex) {
  go_no_ack();
  BOOST_TEST(ask("m600000,1") == to_hex(pattern(0x600000, 1)));
  BOOST_TEST(ask("m600123,100") == to_hex(pattern(0x600123, 0x100)));
  BOOST_TEST(ask("M600000,1:00") == "E07");  // --no-stop refuses writes
}

BOOST_AUTO_TEST_CASE(reads_see_changes_between_requests) {
  go_no_ack();
  const std::string before = ask("m600000,4");
  proc.write_memory(0x600000, std::as_bytes(std::span("\x01\x02\x03\x04", 4)));
  BOOST_TEST(ask("m600000,4") == "01020304");
  BOOST_TEST(before != "01020304");
}

BOOST_AUTO_TEST_CASE(read_into_a_gap_returns_the_readable_prefix) {
  go_no_ack();
  // 0x601ff0..0x602010 runs off the end of the rw region into unmapped memory.
  BOOST_TEST(ask("m601ff0,20") == to_hex(pattern(0x601ff0, 0x10)));
  BOOST_TEST(unescape(ask("x601ff0,20")) == "b" + pattern(0x601ff0, 0x10));
  // ... and into an unreadable region.
  BOOST_TEST(ask("m604000,10") == to_hex(pattern(0x604000, 0x10)));
  BOOST_TEST(ask("m602ffc,8") == "E04");
}

BOOST_AUTO_TEST_CASE(nothing_readable_is_an_error_never_empty_or_zeros) {
  go_no_ack();
  BOOST_TEST(ask("m0,4") == "E04");
  BOOST_TEST(ask("m602000,10") == "E04");
  BOOST_TEST(ask("m603000,10") == "E05");  // mapped but unreadable: permission
  BOOST_TEST(ask("m8000000000000000,8") == "E04");
  BOOST_TEST(ask("mffffffffffffff00,10") == "E04");
  BOOST_TEST(ask("x0,4") == "E04");
}

BOOST_AUTO_TEST_CASE(lengths_are_clamped_to_one_reply) {
  config.packet_size = 0x1000;
  restart();
  go_no_ack();
  // m carries at most PacketSize/2 bytes; the client asks again for the rest.
  BOOST_TEST(ask("m600000,2000") == to_hex(pattern(0x600000, 0x800)));
  // x carries at most PacketSize bytes (escaping may make the packet longer).
  BOOST_TEST(unescape(ask("x600000,2000")) == "b" + pattern(0x600000, 0x1000));
  BOOST_TEST(ask("mffffffff,ffffffffffffffff") == "E02");
}

BOOST_AUTO_TEST_CASE(binary_replies_escape_special_bytes) {
  go_no_ack();
  // Find a byte of each special kind in the pattern and read it alone.
  for (char special : {'#', '$', '}', '*'}) {
    std::uint64_t at = 0x600000;
    while (pattern(at, 1)[0] != special) ++at;
    char req[64];
    std::snprintf(req, sizeof req, "x%llx,1", static_cast<unsigned long long>(at));
    const std::string p = ask(req);
    BOOST_TEST(p == std::string("b}") + static_cast<char>(special ^ 0x20));
  }
}

BOOST_AUTO_TEST_CASE(large_read_exact_every_byte) {
  go_no_ack();
  BOOST_TEST(ask("m600000,2000") == to_hex(pattern(0x600000, 0x2000)));
  BOOST_TEST(unescape(ask("x600000,2000")) == "b" + pattern(0x600000, 0x2000));
}

BOOST_AUTO_TEST_CASE(m_and_x_compress_runs_and_clients_expand_them_to_the_exact_bytes) {
  // 4 KiB of zeros with a word in the middle that changes: the reply is run-length encoded
  // (`0*~`...), far shorter than its hex, and expands, as gdb and lldb expand it on receipt, to
  // exactly the bytes of the moment.
  proc.add_region(0x700000, std::vector<std::byte>(0x1000, std::byte{0}), true, true, false);
  go_no_ack();
  for (const char* word : {"\x11\x22\x33\x44\x55\x66\x77\x88", "\x01\x00\x00\x00\x00\x00\x00\x00"}) {
    proc.write_memory(0x700800, std::as_bytes(std::span(word, 8)));
    std::string want(0x1000, '\0');
    std::memcpy(want.data() + 0x800, word, 8);
    const std::string reply = ask("m700000,1000");
    BOOST_TEST(reply.size() < 300u);
    BOOST_TEST(reply.find('*') != std::string::npos);
    BOOST_TEST(expand_runs(reply) == to_hex(want));
    // x too: runs expanded first, then escapes undone, as gdb and lldb do.
    const std::string binary = ask("x700000,1000");
    BOOST_TEST(binary.size() < 200u);
    BOOST_TEST(unescape(expand_runs(binary)) == "b" + want);
  }
  // The pattern has no such runs: its replies stay as they were.
  BOOST_TEST(ask("m600000,1000") == to_hex(pattern(0x600000, 0x1000)));
  BOOST_TEST(unescape(ask("x600000,1000")) == "b" + pattern(0x600000, 0x1000));
}

BOOST_AUTO_TEST_CASE(writes_when_allowed) {
  config.no_stop = false;
  restart();
  go_no_ack();
  BOOST_TEST(ask("M600010,3:aabbcc") == "OK");
  BOOST_TEST(ask("m600010,3") == "aabbcc");
  // X carries escaped binary: } then byte ^ 0x20 for # $ } *.
  BOOST_TEST(ask("X600020,4:a}\x03}\x04}]") == "OK");
  BOOST_TEST(ask("m600020,4") == to_hex(std::string("a#$}")));
  BOOST_TEST(ask("X600020,0:") == "OK");  // gdb's probe for X support
  BOOST_TEST(ask("M400000,1:00") == "E04");  // read-only text in the fake
  BOOST_TEST(ask("M600010,2:aabbcc") == "E03");
  BOOST_TEST(ask("M600010,3:aabb") == "E01");
  BOOST_TEST(ask("M600010,1:zz") == "E01");
}

BOOST_AUTO_TEST_CASE(read_only_refuses_every_write) {
  config.no_stop = false;
  config.read_only = true;
  restart();
  go_no_ack();
  BOOST_TEST(ask("M600010,1:aa") == "E0c");
  BOOST_TEST(ask("X600010,1:a") == "E0c");
  BOOST_TEST(ask("Z0,400000,1") == "E0c");
  BOOST_TEST(ask("P10=0000000000000000") == "E0c");
  BOOST_TEST(ask("G00") == "E0c");
  BOOST_TEST(ask("m600010,1") == to_hex(pattern(0x600010, 1)));
}

BOOST_AUTO_TEST_SUITE_END()
