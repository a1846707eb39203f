// Small pure helpers of the Linux backend: address clamping, region lookup, /proc/PID/stat
// state, uname fields.
#include <boost/test/unit_test.hpp>

#include <unistd.h>

#include <vector>

#include "platform/linux/address_range.hpp"
#include "platform/linux/proc_liveness.hpp"
#include "platform/linux/region_lookup.hpp"
#include "platform/linux/uname_fields.hpp"

namespace lb = rspstub::platform::linux_backend;
using rspstub::platform::MemoryRegion;

BOOST_AUTO_TEST_SUITE(linux_helpers)

BOOST_AUTO_TEST_CASE(requestable_length_clamps_below_2_63) {
  constexpr std::uint64_t top = std::uint64_t{1} << 63;
  BOOST_TEST(lb::requestable_length(0x1000, 0x100) == 0x100u);
  BOOST_TEST(lb::requestable_length(0, 1) == 1u);
  BOOST_TEST(lb::requestable_length(top - 0x10, 0x100) == 0x10u);
  BOOST_TEST(lb::requestable_length(top - 1, 1) == 1u);
  BOOST_TEST(lb::requestable_length(top, 1) == 0u);
  BOOST_TEST(lb::requestable_length(0xffffffffffffff00ull, 0x10) == 0u);
  BOOST_TEST(lb::requestable_length(0xffffffffffffffffull, 2) == 0u);
  BOOST_TEST(lb::requestable_length(0x1000, ~std::size_t{0}) == 0u);  // would pass 2^64
  BOOST_TEST(lb::requestable_length(0x1000, 0) == 0u);
}

namespace {
MemoryRegion mapping(std::uint64_t start, std::uint64_t end) {
  MemoryRegion r;
  r.start = start;
  r.end = end;
  r.mapped = true;
  r.readable = true;
  return r;
}
}  // namespace

BOOST_AUTO_TEST_CASE(region_containing_mappings_and_gaps) {
  const std::vector<MemoryRegion> maps{mapping(0x1000, 0x3000), mapping(0x3000, 0x4000),
                                       mapping(0x8000, 0x9000)};
  auto r = lb::region_containing(maps, 0x2fff);
  BOOST_TEST(r.mapped);
  BOOST_TEST(r.start == 0x1000u);
  r = lb::region_containing(maps, 0x3000);
  BOOST_TEST(r.start == 0x3000u);
  BOOST_TEST(r.end == 0x4000u);
  r = lb::region_containing(maps, 0x4000);
  BOOST_TEST(!r.mapped);
  BOOST_TEST(!r.readable);
  BOOST_TEST(r.start == 0x4000u);
  BOOST_TEST(r.end == 0x8000u);
  r = lb::region_containing(maps, 0);
  BOOST_TEST(!r.mapped);
  BOOST_TEST(r.start == 0u);
  BOOST_TEST(r.end == 0x1000u);
  r = lb::region_containing(maps, 0x9000);
  BOOST_TEST(!r.mapped);
  BOOST_TEST(r.start == 0x9000u);
  BOOST_TEST(r.end == 0u);
  r = lb::region_containing({}, 0x1234);
  BOOST_TEST(!r.mapped);
  BOOST_TEST(r.start == 0u);
  BOOST_TEST(r.end == 0u);
}

BOOST_AUTO_TEST_CASE(stat_state_follows_the_last_paren) {
  BOOST_TEST(lb::state_from_stat("1234 (demo) S 1 1234 1234 0 -1") == 'S');
  BOOST_TEST(lb::state_from_stat("1234 (a) Z (b) R 1 2") == 'R');  // comm "a) Z (b"
  BOOST_TEST(lb::state_from_stat("99 (x) Z 1 99\n") == 'Z');
  BOOST_TEST(lb::state_from_stat("99 (x)") == 0);
  BOOST_TEST(lb::state_from_stat("garbage") == 0);
}

BOOST_AUTO_TEST_CASE(process_exists_for_self_and_not_for_nonsense) {
  BOOST_TEST(lb::process_exists(::getpid()));
  BOOST_TEST(!lb::process_exists(0));
  BOOST_TEST(!lb::process_exists(-1));
}

BOOST_AUTO_TEST_CASE(numeric_release) {
  BOOST_TEST(lb::numeric_release("6.1.0-18-amd64") == "6.1.0");
  BOOST_TEST(lb::numeric_release("6.18.44-fc-v657") == "6.18.44");
  BOOST_TEST(lb::numeric_release("5.10") == "5.10");
  BOOST_TEST(lb::numeric_release("5.10.") == "5.10");
  BOOST_TEST(lb::numeric_release("4.19.0.1-x") == "4.19.0");
  BOOST_TEST(lb::numeric_release("6.8.0rc1") == "6.8.0");
  BOOST_TEST(lb::numeric_release("custom") == "");
  BOOST_TEST(lb::numeric_release("") == "");
}

BOOST_AUTO_TEST_CASE(triples_and_pointer_sizes) {
  BOOST_TEST(lb::linux_triple("x86_64") == "x86_64-pc-linux-gnu");
  BOOST_TEST(lb::linux_triple("i686") == "i686-pc-linux-gnu");
  BOOST_TEST(lb::linux_triple("aarch64") == "aarch64-unknown-linux-gnu");
  BOOST_TEST(lb::pointer_size_of("x86_64") == 8);
  BOOST_TEST(lb::pointer_size_of("aarch64") == 8);
  BOOST_TEST(lb::pointer_size_of("i386") == 4);
  BOOST_TEST(lb::pointer_size_of("armv7l") == 4);
}

BOOST_AUTO_TEST_SUITE_END()
