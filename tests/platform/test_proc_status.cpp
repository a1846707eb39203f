// /proc/PID/status parsing, on literal inputs.
#include <boost/test/unit_test.hpp>

#include "platform/linux/proc_status.hpp"

using rspstub::platform::linux_backend::parse_status;

BOOST_AUTO_TEST_SUITE(proc_status)

BOOST_AUTO_TEST_CASE(ppid_uid_gid_real_and_effective) {
  const char* text =
      "Name:\tdemo\n"
      "Umask:\t0022\n"
      "State:\tS (sleeping)\n"
      "Tgid:\t4242\n"
      "Pid:\t4242\n"
      "PPid:\t17\n"
      "TracerPid:\t0\n"
      "Uid:\t1000\t0\t1000\t1000\n"
      "Gid:\t100\t101\t102\t103\n"
      "Groups:\t100 27\n";
  const auto s = parse_status(text);
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->tgid == 4242);
  BOOST_TEST(s->parent_pid == 17);
  BOOST_TEST(s->real_uid == 1000u);
  BOOST_TEST(s->effective_uid == 0u);
  BOOST_TEST(s->real_gid == 100u);
  BOOST_TEST(s->effective_gid == 101u);
}

BOOST_AUTO_TEST_CASE(no_trailing_newline) {
  const auto s = parse_status("Tgid:\t9\nPPid:\t1\nUid:\t0\t0\t0\t0\nGid:\t5\t6\t0\t0");
  BOOST_REQUIRE(s.has_value());
  BOOST_TEST(s->effective_gid == 6u);
}

BOOST_AUTO_TEST_CASE(missing_or_malformed_lines) {
  BOOST_TEST(!parse_status(""));
  BOOST_TEST(parse_status("Tgid:\t1\nPPid:\t1\nUid:\t0\t0\nGid:\t0\t0\n").has_value());
  BOOST_TEST(!parse_status("PPid:\t1\nUid:\t0\t0\nGid:\t0\t0\n"));           // no Tgid
  BOOST_TEST(!parse_status("Tgid:\t1\nUid:\t0\t0\nGid:\t0\t0\n"));           // no PPid
  BOOST_TEST(!parse_status("Tgid:\t1\nPPid:\t1\nGid:\t0\t0\n"));              // no Uid
  BOOST_TEST(!parse_status("Tgid:\t1\nPPid:\t1\nUid:\t0\t0\n"));              // no Gid
  BOOST_TEST(!parse_status("Tgid:\t1\nPPid:\t1\nUid:\t0\nGid:\t0\t0\n"));   // one uid
  BOOST_TEST(!parse_status("Tgid:\t1\nPPid:\tx\nUid:\t0\t0\nGid:\t0\t0\n"));
  BOOST_TEST(!parse_status("Tgid:\t1\nPPid:\t1\nUid:\t0x\t0\nGid:\t0\t0\n"));
}

BOOST_AUTO_TEST_SUITE_END()
