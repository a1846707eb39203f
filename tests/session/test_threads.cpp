// Threads, registers, stop replies and the end of a session in --no-stop mode.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <array>

#include "fixture.hpp"

using namespace rspstub::test;

BOOST_FIXTURE_TEST_SUITE(threads, SessionFixture)

BOOST_AUTO_TEST_CASE(g_has_known_pc_and_sp_and_xx_elsewhere) {
  go_no_ack();
  const std::string g = ask("g");
  BOOST_TEST(g.size() == 560u * 2);
  BOOST_TEST(g.substr(0, 16) == "xxxxxxxxxxxxxxxx");          // rax
  BOOST_TEST(g.substr(7 * 16, 16) == "1000fc7f00000000");     // rsp
  BOOST_TEST(g.substr(16 * 16, 16) == "2301400000000000");    // rip
  BOOST_TEST(g.substr(17 * 16, 8) == "xxxxxxxx");             // eflags (4 bytes)
}

BOOST_AUTO_TEST_CASE(g_of_a_running_thread_reports_pc_zero_not_xx) {
  go_no_ack();
  ask("qSupported:multiprocess+");
  BOOST_TEST(ask("Hgp1092.1093") == "OK");
  const std::string g = ask("g");
  BOOST_TEST(g.substr(16 * 16, 16) == "0000000000000000");
  BOOST_TEST(g.substr(7 * 16, 16) == "xxxxxxxxxxxxxxxx");
  BOOST_TEST(ask("p10;thread:p1092.1093;") == "E07");
}

BOOST_AUTO_TEST_CASE(thread_list_pages_through_many_threads) {
  for (int t = 0; t < 600; ++t) proc.add_thread(0x2000 + t, "w", {});
  go_no_ack();
  std::string first = ask("qfThreadInfo");
  BOOST_TEST(first.starts_with("m1092,1093,2000,"));
  std::size_t total = 1 + static_cast<std::size_t>(std::count(first.begin(), first.end(), ','));
  for (int guard = 0; guard < 10; ++guard) {
    std::string next = ask("qsThreadInfo");
    if (next == "l") break;
    BOOST_TEST(next[0] == 'm');
    total += 1 + static_cast<std::size_t>(std::count(next.begin(), next.end(), ','));
  }
  BOOST_TEST(total == 602u);
  BOOST_TEST(ask("qsThreadInfo") == "l");
}

BOOST_AUTO_TEST_CASE(thread_alive_and_selection) {
  go_no_ack();
  BOOST_TEST(ask("T1093") == "OK");
  BOOST_TEST(ask("T777") == "E08");
  BOOST_TEST(ask("Hg1093") == "OK");
  BOOST_TEST(ask("qC") == "QC1093");
  BOOST_TEST(ask("Hg0") == "OK");
  BOOST_TEST(ask("qC") == "QC1092");
  BOOST_TEST(ask("Hgp99.1092") == "E08");  // another process
}

BOOST_AUTO_TEST_CASE(resume_requests_stop_at_once) {
  go_no_ack();
  const std::string stop = "T0207:1000fc7f00000000;10:2301400000000000;thread:1092;";
  for (const char* p : {"c", "s", "C05", "S05", "vCont;c", "vCont;s:1092", "vCont;c:p1092.-1"})
    BOOST_TEST_CONTEXT(p) { BOOST_TEST(ask(p) == stop); }
}

BOOST_AUTO_TEST_CASE(breakpoints_and_register_writes_refused) {
  go_no_ack();
  BOOST_TEST(ask("Z0,400123,1") == "E07");
  BOOST_TEST(ask("z0,400123,1") == "E07");
  BOOST_TEST(ask("Z2,600000,4") == "E07");
  BOOST_TEST(ask("P10=0000000000000000") == "E07");
  BOOST_TEST(ask("G00") == "E07");
  BOOST_TEST(ask("vKill;1092") == "E07");
}

BOOST_AUTO_TEST_CASE(detach_ends_the_connection) {
  go_no_ack();
  BOOST_TEST(wire->send("D;1092") == frame("OK"));
  BOOST_TEST(wire->closed);
}

BOOST_AUTO_TEST_CASE(kill_answers_like_a_kill_but_never_kills) {
  go_no_ack();
  BOOST_TEST(wire->send("k") == frame("X09;process:1092"));
  BOOST_TEST(wire->closed);
  std::array<std::byte, 4> buf{};
  BOOST_TEST(proc.read_memory(0x600000, buf).bytes == 4u);
}

BOOST_AUTO_TEST_SUITE_END()
