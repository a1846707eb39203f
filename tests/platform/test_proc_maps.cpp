// /proc/PID/maps parsing, on literal inputs.
#include <boost/test/unit_test.hpp>

#include "platform/linux/proc_maps.hpp"

using rspstub::platform::linux_backend::parse_maps;

BOOST_AUTO_TEST_SUITE(proc_maps)

BOOST_AUTO_TEST_CASE(typical_process) {
  const char* text =
      "55d0c6a00000-55d0c6a02000 r--p 00000000 08:01 1311 /usr/bin/cat\n"
      "55d0c6a02000-55d0c6a07000 r-xp 00002000 08:01 1311 /usr/bin/cat\n"
      "55d0c7e3c000-55d0c7e5d000 rw-p 00000000 00:00 0                          [heap]\n"
      "7f1c2a000000-7f1c2a021000 rw-p 00000000 00:00 0 \n"
      "7f1c2a021000-7f1c2c000000 ---p 00000000 00:00 0\n"
      "7ffd5c9b1000-7ffd5c9d2000 rw-p 00000000 00:00 0                          [stack]\n"
      "ffffffffff600000-ffffffffff601000 --xp 00000000 00:00 0                  [vsyscall]\n";
  const auto maps = parse_maps(text);
  BOOST_REQUIRE(maps);
  BOOST_REQUIRE(maps->size() == 7u);
  const auto& cat = (*maps)[1];
  BOOST_TEST(cat.start == 0x55d0c6a02000u);
  BOOST_TEST(cat.end == 0x55d0c6a07000u);
  BOOST_TEST(cat.mapped);
  BOOST_TEST(cat.readable);
  BOOST_TEST(!cat.writable);
  BOOST_TEST(cat.executable);
  BOOST_TEST(cat.name == "/usr/bin/cat");
  BOOST_TEST((*maps)[2].name == "[heap]");
  BOOST_TEST((*maps)[2].writable);
  BOOST_TEST((*maps)[3].name == "");  // anonymous, with a trailing space
  BOOST_TEST((*maps)[4].name == "");  // anonymous, nothing after the inode
  BOOST_TEST(!(*maps)[4].readable);
  BOOST_TEST(!(*maps)[4].executable);
  BOOST_TEST((*maps)[5].name == "[stack]");
  const auto& vsyscall = (*maps)[6];
  BOOST_TEST(vsyscall.start == 0xffffffffff600000u);
  BOOST_TEST(vsyscall.end == 0xffffffffff601000u);
  BOOST_TEST(!vsyscall.readable);
  BOOST_TEST(vsyscall.executable);
  BOOST_TEST(vsyscall.name == "[vsyscall]");
}

BOOST_AUTO_TEST_CASE(paths_with_spaces_and_deleted_files) {
  const char* text =
      "00400000-00401000 r-xp 00000000 fd:00 42    /home/me/my  program\n"
      "00600000-00601000 rw-s 00000000 00:05 77    /dev/shm/buf (deleted)\n"
      "00700000-00701000 r--p 00000000 fd:00 43    /tmp/ lead space";
  const auto maps = parse_maps(text);
  BOOST_REQUIRE(maps);
  BOOST_REQUIRE(maps->size() == 3u);
  BOOST_TEST((*maps)[0].name == "/home/me/my  program");
  BOOST_TEST((*maps)[1].name == "/dev/shm/buf (deleted)");
  BOOST_TEST((*maps)[1].writable);
  BOOST_TEST((*maps)[2].name == "/tmp/ lead space");  // last line without a newline
  BOOST_TEST((*maps)[2].end == 0x701000u);
}

BOOST_AUTO_TEST_CASE(empty_and_malformed) {
  const auto empty = parse_maps("");
  BOOST_REQUIRE(empty);
  BOOST_TEST(empty->empty());
  BOOST_TEST(!parse_maps("garbage\n"));
  BOOST_TEST(!parse_maps("00400000 r-xp 00000000 fd:00 42 /x\n"));          // no end
  BOOST_TEST(!parse_maps("00401000-00400000 r-xp 00000000 fd:00 42 /x\n"));  // end < start
  BOOST_TEST(!parse_maps("00400000-00401000 r-x 00000000 fd:00 42 /x\n"));   // 3 perms
  BOOST_TEST(!parse_maps("00400000-00401000 r-xp 00000000 fd:00\n"));        // no inode
  // One bad line spoils the whole file: a silently skipped mapping would show as a gap.
  BOOST_TEST(!parse_maps("00400000-00401000 r-xp 00000000 fd:00 42 /x\nbad\n"));
}

BOOST_AUTO_TEST_SUITE_END()
