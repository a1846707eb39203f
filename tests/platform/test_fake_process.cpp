// The fake backend follows the platform contract byte for byte.
#include <boost/test/unit_test.hpp>

#include <array>
#include <stdexcept>
#include <vector>

#include "platform/fake/fake_process.hpp"

namespace platform = rspstub::platform;
using platform::Error;
using platform::fake::FakeProcess;
namespace reg = rspstub::platform::x86_64;

namespace {

std::byte byte_at(std::uint64_t addr) {
  return static_cast<std::byte>((addr * 7 + (addr >> 8)) & 0xff);
}

std::vector<std::byte> bytes_at(std::uint64_t addr, std::size_t n) {
  std::vector<std::byte> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(byte_at(addr + i));
  return v;
}

// 0x400000 r-x (4 KiB) | 0x600000 rw- (4 KiB) | 0x601000 r-- (4 KiB, adjacent)
// 0x602000 unmapped    | 0x603000 --- (4 KiB) | 0x604000 -w- (4 KiB)
struct Layout {
  FakeProcess proc{100};
  Layout() {
    proc.add_region(0x400000, bytes_at(0x400000, 0x1000), true, false, true, "/bin/demo");
    proc.add_region(0x600000, bytes_at(0x600000, 0x1000), true, true, false);
    proc.add_region(0x601000, bytes_at(0x601000, 0x1000), true, false, false);
    proc.add_region(0x603000, bytes_at(0x603000, 0x1000), false, false, false);
    proc.add_region(0x604000, bytes_at(0x604000, 0x1000), false, true, false);
  }
  std::vector<std::byte> buf = std::vector<std::byte>(0x4000);
  platform::ReadResult read(std::uint64_t addr, std::size_t n) {
    return proc.read_memory(addr, std::span(buf).first(n));
  }
  bool buf_holds(std::uint64_t addr, std::size_t n) const {
    return std::equal(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n),
                      bytes_at(addr, n).begin());
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(fake_process, Layout)

BOOST_AUTO_TEST_CASE(read_inside_a_region_is_exact) {
  const auto r = read(0x400010, 0x100);
  BOOST_TEST(r.bytes == 0x100u);
  BOOST_TEST((r.error == Error::none));
  BOOST_TEST(buf_holds(0x400010, 0x100));
  BOOST_TEST(proc.read_calls() == 1u);
}

BOOST_AUTO_TEST_CASE(read_runs_across_adjacent_readable_regions) {
  const auto r = read(0x600ff0, 0x20);
  BOOST_TEST(r.bytes == 0x20u);
  BOOST_TEST(buf_holds(0x600ff0, 0x20));
}

BOOST_AUTO_TEST_CASE(read_stops_at_an_unmapped_byte) {
  const auto r = read(0x601ff0, 0x100);
  BOOST_TEST(r.bytes == 0x10u);
  BOOST_TEST((r.error == Error::none));
  BOOST_TEST(buf_holds(0x601ff0, 0x10));
}

BOOST_AUTO_TEST_CASE(read_stops_at_an_unreadable_byte) {
  proc.add_region(0x602000, bytes_at(0x602000, 0x1000), true, false, false);
  const auto r = read(0x602ffc, 0x10);
  BOOST_TEST(r.bytes == 4u);
  BOOST_TEST(buf_holds(0x602ffc, 4));
}

BOOST_AUTO_TEST_CASE(nothing_readable_is_an_error) {
  BOOST_TEST(read(0, 4).bytes == 0u);
  BOOST_TEST((read(0, 4).error == Error::no_memory));
  BOOST_TEST((read(0x602000, 0x10).error == Error::no_memory));
  BOOST_TEST((read(0x603000, 0x10).error == Error::permission));   // mapped, unreadable
  BOOST_TEST((read(0x604000, 0x10).error == Error::permission));   // write-only
  BOOST_TEST((read(0x602ffc, 0x10).error == Error::no_memory));    // unmapped first byte
  BOOST_TEST(read(0x603000, 0x10).bytes == 0u);
}

BOOST_AUTO_TEST_CASE(bad_ranges) {
  BOOST_TEST((read(0x400000, 0).error == Error::invalid_argument));
  BOOST_TEST((read(std::uint64_t{1} << 63, 8).error == Error::no_memory));
  BOOST_TEST((read(0xffffffffffffff00ull, 0x10).error == Error::no_memory));
  BOOST_TEST((read(0xfffffffffffff000ull, 0x2000).error == Error::no_memory));  // past 2^64
}

BOOST_AUTO_TEST_CASE(nothing_is_read_at_or_above_2_63_even_if_mapped) {
  proc.add_region(0xffffffffff600000ull, bytes_at(0, 0x1000), true, false, true, "[vsyscall]");
  BOOST_TEST((read(0xffffffffff600000ull, 8).error == Error::no_memory));
  const auto region = proc.region_at(0xffffffffff600000ull);
  BOOST_TEST(region->mapped);
  BOOST_TEST(region->name == "[vsyscall]");
}

BOOST_AUTO_TEST_CASE(injected_failures_then_normal_reads) {
  proc.fail_next_reads(Error::io_error, 2);
  BOOST_TEST((read(0x400000, 4).error == Error::io_error));
  BOOST_TEST(read(0x400000, 4).bytes == 0u);
  BOOST_TEST(read(0x400000, 4).bytes == 4u);
  BOOST_TEST(proc.read_calls() == 3u);
}

BOOST_AUTO_TEST_CASE(writes_go_to_writable_regions_only) {
  const std::array<std::byte, 4> data{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
  BOOST_TEST(proc.write_memory(0x600100, data).bytes == 4u);
  BOOST_TEST((proc.contents(0x600100, 4) == std::vector<std::byte>(data.begin(), data.end())));
  BOOST_TEST(read(0x600100, 4).bytes == 4u);
  BOOST_TEST((buf[2] == std::byte{3}));
  // Prefix: the region after is read-only.
  const std::vector<std::byte> eight(8, std::byte{0xee});
  BOOST_TEST(proc.write_memory(0x600ffc, eight).bytes == 4u);
  BOOST_TEST((proc.contents(0x601000, 1)[0] == byte_at(0x601000)));
  // Nothing writable.
  BOOST_TEST((proc.write_memory(0x400000, eight).error == Error::no_memory));  // read-only
  BOOST_TEST((proc.write_memory(0x602000, eight).error == Error::no_memory));  // unmapped
  BOOST_TEST((proc.write_memory(0x603000, eight).error == Error::permission)); // protected
  BOOST_TEST(proc.write_memory(0x604000, eight).bytes == 8u);                  // write-only
  BOOST_TEST((proc.write_memory(0x600000, std::span<const std::byte>{}).error ==
              Error::invalid_argument));
  BOOST_TEST(proc.write_calls() == 7u);
}

BOOST_AUTO_TEST_CASE(regions_and_gaps) {
  auto r = proc.region_at(0x400123);
  BOOST_TEST(r->mapped);
  BOOST_TEST(r->start == 0x400000u);
  BOOST_TEST(r->end == 0x401000u);
  BOOST_TEST(r->readable);
  BOOST_TEST(!r->writable);
  BOOST_TEST(r->executable);
  BOOST_TEST(r->name == "/bin/demo");
  r = proc.region_at(0x601000);  // adjacent regions stay separate
  BOOST_TEST(r->start == 0x601000u);
  BOOST_TEST(!r->writable);
  r = proc.region_at(0x602800);
  BOOST_TEST(!r->mapped);
  BOOST_TEST(r->start == 0x602000u);
  BOOST_TEST(r->end == 0x603000u);
  r = proc.region_at(0x10);
  BOOST_TEST(!r->mapped);
  BOOST_TEST(r->start == 0u);
  BOOST_TEST(r->end == 0x400000u);
  r = proc.region_at(0x605000);
  BOOST_TEST(!r->mapped);
  BOOST_TEST(r->start == 0x605000u);
  BOOST_TEST(r->end == 0u);  // to the top of the address space
  r = proc.region_at(0xffffffffffffffffull);
  BOOST_TEST(r->start == 0x605000u);
}

BOOST_AUTO_TEST_CASE(overlapping_regions_are_refused) {
  BOOST_CHECK_THROW(proc.add_region(0x400800, bytes_at(0, 0x1000), true, false, false),
                    std::invalid_argument);
  BOOST_CHECK_THROW(proc.add_region(0x3ff800, bytes_at(0, 0x1000), true, false, false),
                    std::invalid_argument);
  BOOST_CHECK_THROW(proc.add_region(0x700000, {}, true, false, false), std::invalid_argument);
  BOOST_CHECK_THROW(proc.contents(0x601ff0, 0x20), std::out_of_range);
}

BOOST_AUTO_TEST_CASE(threads_main_first_then_sorted) {
  reg::Registers regs;
  regs.set_u64(reg::rip, 0x400123);
  proc.add_thread(500, "main", regs);
  proc.add_thread(300, "b", {});
  proc.add_thread(200, "a", {});
  const auto tids = proc.threads();
  BOOST_TEST((*tids == std::vector<int>{500, 200, 300}));
  BOOST_TEST(*proc.thread_name(200) == "a");
  BOOST_TEST(proc.registers(500)->get_u64(reg::rip) == 0x400123u);
  BOOST_TEST(proc.registers(300)->valid.none());
  BOOST_TEST((proc.thread_name(7).error() == Error::no_such_thread));
  BOOST_TEST((proc.registers(7).error() == Error::no_such_thread));
  BOOST_CHECK_THROW(proc.add_thread(300, "again", {}), std::invalid_argument);
}

BOOST_AUTO_TEST_CASE(files_and_info) {
  BOOST_TEST((proc.auxv().error() == Error::not_supported));
  BOOST_TEST((proc.executable_path().error() == Error::not_supported));
  BOOST_TEST(proc.info()->pid == 100);
  BOOST_TEST(proc.pid() == 100);
  proc.set_auxv({std::byte{9}, std::byte{0}});
  proc.set_executable_path("/bin/demo");
  platform::ProcessInfo info;
  info.pid = 100;
  info.parent_pid = 1;
  info.name = "demo";
  proc.set_info(info);
  BOOST_TEST(proc.auxv()->size() == 2u);
  BOOST_TEST(*proc.executable_path() == "/bin/demo");
  BOOST_TEST(proc.info()->name == "demo");
  BOOST_TEST(proc.info()->parent_pid == 1);
}

BOOST_AUTO_TEST_CASE(after_kill_everything_is_process_gone) {
  proc.add_thread(100, "main", {});
  proc.set_auxv({std::byte{1}});
  proc.set_executable_path("/bin/demo");
  proc.kill();
  const std::vector<std::byte> one(1);
  BOOST_TEST((read(0x400000, 4).error == Error::process_gone));
  BOOST_TEST((proc.write_memory(0x600000, one).error == Error::process_gone));
  BOOST_TEST((proc.region_at(0x400000).error() == Error::process_gone));
  BOOST_TEST((proc.threads().error() == Error::process_gone));
  BOOST_TEST((proc.thread_name(100).error() == Error::process_gone));
  BOOST_TEST((proc.registers(100).error() == Error::process_gone));
  BOOST_TEST((proc.auxv().error() == Error::process_gone));
  BOOST_TEST((proc.executable_path().error() == Error::process_gone));
  BOOST_TEST((proc.info().error() == Error::process_gone));
  BOOST_TEST(proc.pid() == 100);
}

BOOST_AUTO_TEST_SUITE_END()
