// Every code of the error table is reachable, in all three wire styles.
#include <boost/test/unit_test.hpp>

#include "fixture.hpp"

using namespace rspstub::test;
using rspstub::platform::Error;

BOOST_FIXTURE_TEST_SUITE(errors, SessionFixture)

BOOST_AUTO_TEST_CASE(each_code_plain) {
  go_no_ack();
  BOOST_TEST(ask("mzz,4") == "E01");
  BOOST_TEST(ask("m600000") == "E01");
  BOOST_TEST(ask("m600000,4junk") == "E01");
  BOOST_TEST(ask("m10000000000000000,4") == "E01");  // 17 digits
  BOOST_TEST(ask("mffffffffffffffff,2") == "E02");
  BOOST_TEST(ask("m8,4") == "E04");
  BOOST_TEST(ask("m603000,4") == "E05");
  BOOST_TEST(ask("Z0,400000,1") == "E07");
  BOOST_TEST(ask("Hg999") == "E08");
  BOOST_TEST(ask("p999") == "E09");
  BOOST_TEST(ask("m600000,0") == "E0b");
  proc.fail_next_reads(Error::io_error, 1);
  BOOST_TEST(ask("m600000,4") == "E0a");
  BOOST_TEST(ask("m600000,4") == to_hex(pattern(0x600000, 4)));  // only the one failed
  proc.kill();
  BOOST_TEST(ask("m600000,4") == "E06");
  BOOST_TEST(ask("?") == "E06");
}

BOOST_AUTO_TEST_CASE(too_large_closes_the_connection) {
  config.packet_size = 600;
  restart();
  go_no_ack();
  std::string big = frame(std::string(601, 'a'));
  const std::string out = wire->feed(big);
  BOOST_TEST(payload_of(out) == "E03");
  BOOST_TEST(wire->closed);
}

BOOST_AUTO_TEST_CASE(lldb_error_strings) {
  go_no_ack();
  BOOST_TEST(ask("QEnableErrorStrings") == "OK");
  BOOST_TEST(ask("m8,4") == "E04;" + to_hex("no accessible memory at this address"));
  BOOST_TEST(ask("mzz,4") == "E01;" + to_hex("malformed packet"));
}

BOOST_AUTO_TEST_CASE(gdb_error_message_feature) {
  go_no_ack();
  ask("qSupported:multiprocess+;error-message+");
  BOOST_TEST(ask("m8,4") == "E.no accessible memory at this address");
  BOOST_TEST(ask("Z0,400000,1") == "E.refused: rspstub runs in --no-stop (inspection-only) mode");
}

BOOST_AUTO_TEST_CASE(gdb13_gets_two_digit_codes_only) {
  go_no_ack();
  ask("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;"
      "exec-events+;vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;"
      "xmlRegisters=i386");
  BOOST_TEST(ask("m8,4") == "E04");
}

BOOST_AUTO_TEST_CASE(malformed_packets_do_not_desynchronise) {
  go_no_ack();
  for (const char* bad : {"m", "m,", "m,4", "m4,", "mzz,4", "x-1,4", "Hgzz", "pzz", "T", "qXfer:",
                          "qXfer:features:read:target.xml:zz,1", "qMemoryRegionInfo:",
                          "Z9,1,1", "Z0,1"}) {
    const std::string r = ask(bad);
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST((r.starts_with("E") || r.empty())); }
    BOOST_TEST(ask("m600000,2") == to_hex(pattern(0x600000, 2)));
  }
}

BOOST_AUTO_TEST_SUITE_END()
