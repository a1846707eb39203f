// read_svr4_libraries over the fake process: the normal chain, the states before the dynamic
// linker ran, and broken chains (cycles, unreadable entries and names, bad back links, too many
// entries): each ends with a clear result, never a hang or an unbounded walk.
#include <boost/test/unit_test.hpp>
#include <ostream>

#include "platform/svr4_libraries.hpp"
#include "svr4_layout.hpp"

using rspstub::platform::Error;
using rspstub::platform::Svr4Limits;
using rspstub::platform::Svr4LibraryList;
using rspstub::platform::read_svr4_libraries;
using rspstub::platform::fake::FakeProcess;
using rspstub::test::Svr4Layout;

namespace rspstub::platform {
// For Boost.Test's messages.
inline std::ostream& operator<<(std::ostream& os, Error e) { return os << to_string(e); }
}  // namespace rspstub::platform

namespace {

struct Walk {
  FakeProcess proc{4242};
  Svr4Layout layout;

  Svr4LibraryList run(const Svr4Limits& limits = {}) {
    layout.install(proc);
    auto list = read_svr4_libraries(proc, limits);
    BOOST_REQUIRE_MESSAGE(list.ok(), "read_svr4_libraries failed: " << to_string(list.error()));
    return *list;
  }

  Error run_error() {
    layout.install(proc);
    auto list = read_svr4_libraries(proc);
    BOOST_REQUIRE(!list.ok());
    return list.error();
  }
};

std::vector<std::string> names_of(const Svr4LibraryList& list) {
  std::vector<std::string> names;
  for (const auto& lib : list.libraries) names.push_back(lib.name);
  return names;
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(svr4, Walk)

BOOST_AUTO_TEST_CASE(full_chain_skips_the_main_program) {
  const auto list = run();
  BOOST_TEST(list.complete);
  BOOST_TEST(list.main_lm == Svr4Layout::lm(0));
  BOOST_TEST(list.r_debug == Svr4Layout::kRDebug);
  BOOST_REQUIRE(list.libraries.size() == 3u);
  for (std::size_t i = 1; i < Svr4Layout::kEntries; ++i) {
    const auto& lib = list.libraries[i - 1];
    BOOST_TEST(lib.name == layout.names[i]);
    BOOST_TEST(lib.lm == Svr4Layout::lm(i));
    BOOST_TEST(lib.l_addr == Svr4Layout::l_addr(i));
    BOOST_TEST(lib.l_ld == Svr4Layout::l_ld(i));
  }
}

BOOST_AUTO_TEST_CASE(bias_comes_from_pt_phdr) {
  // Move the whole program elsewhere: the dynamic section must be found at the new bias.
  const std::uint64_t other = 0x560000000000;
  layout.auxv[1] = other + 0x40;
  FakeProcess moved{1};
  layout.install(proc);  // the original place stays mapped in `proc`; build `moved` instead
  moved.add_region(other, layout.exe, true, false, true);
  moved.add_region(Svr4Layout::kLd, layout.ld, true, true, false);
  moved.set_auxv(layout.auxv_bytes());
  auto list = read_svr4_libraries(moved);
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->libraries.size() == 3u);
}

BOOST_AUTO_TEST_CASE(non_pie_without_pt_phdr_uses_bias_zero) {
  // An ET_EXEC program at 0x400000: no PT_PHDR, addresses are absolute.
  FakeProcess exec{1};
  std::vector<std::byte> image(0x4000);
  Svr4Layout::put(image, 0x40, 1, 4);              // PT_LOAD
  Svr4Layout::put(image, 0x40 + 16, 0x400000);
  Svr4Layout::put(image, 0x40 + 40, 0x4000);
  Svr4Layout::put(image, 0x40 + 56, 2, 4);         // PT_DYNAMIC at absolute 0x403000
  Svr4Layout::put(image, 0x40 + 56 + 16, 0x403000);
  Svr4Layout::put(image, 0x40 + 56 + 40, 32);
  Svr4Layout::put(image, 0x3000, 21);              // DT_DEBUG
  Svr4Layout::put(image, 0x3008, Svr4Layout::kRDebug);
  exec.add_region(0x400000, image, true, false, true);
  layout.install(proc);  // builds the ld region's bytes (names included)
  exec.add_region(Svr4Layout::kLd, layout.ld, true, true, false);
  layout.auxv = {3, 0x400040, 4, 56, 5, 2, 0, 0};
  exec.set_auxv(layout.auxv_bytes());
  auto list = read_svr4_libraries(exec);
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(list->libraries.size() == 3u);
  BOOST_TEST(list->main_lm == Svr4Layout::lm(0));
}

BOOST_AUTO_TEST_CASE(before_the_dynamic_linker_ran_the_list_is_empty) {
  layout.set_dynamic_entry(1, 21, 0);  // DT_DEBUG not filled in yet
  const auto list = run();
  BOOST_TEST(list.complete);
  BOOST_TEST(list.main_lm == 0u);
  BOOST_TEST(list.libraries.empty());
  BOOST_TEST(list.problem.find("not set up") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_r_debug_gives_an_empty_list) {
  layout.put_ld(Svr4Layout::kRDebug + 8, 0);  // r_map 0
  const auto list = run();
  BOOST_TEST(list.libraries.empty());
  BOOST_TEST(list.main_lm == 0u);
}

BOOST_AUTO_TEST_CASE(missing_dt_debug_gives_an_empty_list_with_a_reason) {
  layout.set_dynamic_entry(1, 1, 0x99);  // DT_NEEDED instead of DT_DEBUG
  const auto list = run();
  BOOST_TEST(list.libraries.empty());
  BOOST_TEST(list.problem.find("DT_DEBUG") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(dt_null_ends_the_dynamic_section) {
  layout.set_dynamic_entry(0, 0, 0);  // DT_NULL before DT_DEBUG: DT_DEBUG is not part of it
  const auto list = run();
  BOOST_TEST(list.libraries.empty());
  BOOST_TEST(list.problem.find("DT_DEBUG") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(static_program_without_dynamic_section) {
  Svr4Layout::put(layout.exe, 0x40 + 2 * 56, 1, 4);  // PT_DYNAMIC -> PT_LOAD
  const auto list = run();
  BOOST_TEST(list.complete);
  BOOST_TEST(list.libraries.empty());
  BOOST_TEST(list.problem.find("static") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(unreadable_r_debug_is_incomplete_not_fatal) {
  layout.set_dynamic_entry(1, 21, Svr4Layout::kUnmapped);
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.libraries.empty());
}

BOOST_AUTO_TEST_CASE(cycle_ends_the_walk) {
  layout.set_link(3, Svr4Layout::l_next_f, Svr4Layout::lm(1));  // ld.so -> vdso again
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.problem.find("loops") != std::string::npos);
  BOOST_TEST(names_of(list) == std::vector<std::string>(layout.names.begin() + 1, layout.names.end()),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(self_loop_ends_the_walk) {
  layout.set_link(1, Svr4Layout::l_next_f, Svr4Layout::lm(1));
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.libraries.size() == 1u);
}

BOOST_AUTO_TEST_CASE(loop_back_to_the_main_entry_ends_the_walk) {
  layout.set_link(3, Svr4Layout::l_next_f, Svr4Layout::lm(0));
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.libraries.size() == 3u);
}

BOOST_AUTO_TEST_CASE(unreadable_name_skips_only_that_entry) {
  layout.set_link(2, Svr4Layout::l_name_f, Svr4Layout::kUnmapped);
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.problem.find("name") != std::string::npos);
  BOOST_TEST(names_of(list) == (std::vector<std::string>{layout.names[1], layout.names[3]}),
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(name_running_into_unmapped_memory_is_skipped) {
  // The name's bytes run to the end of the ld region without a NUL.
  layout.set_link(2, Svr4Layout::l_name_f, Svr4Layout::kLd + 0x2000 - 8);
  layout.install(proc);
  for (std::uint64_t a = Svr4Layout::kLd + 0x2000 - 8; a < Svr4Layout::kLd + 0x2000; ++a)
    proc.write_memory(a, std::as_bytes(std::span("x", 1)));
  auto list = read_svr4_libraries(proc);
  BOOST_REQUIRE(list.ok());
  BOOST_TEST(!list->complete);
  BOOST_TEST(list->libraries.size() == 2u);
}

BOOST_AUTO_TEST_CASE(overlong_name_is_skipped) {
  Svr4Limits limits;
  limits.max_name_length = 10;
  const auto list = run(limits);
  BOOST_TEST(!list.complete);
  // Only "linux-vdso.so.1" (15) and the paths are longer than 10: nothing is listed.
  BOOST_TEST(list.libraries.empty());
}

BOOST_AUTO_TEST_CASE(null_or_empty_names_are_left_out) {
  layout.set_link(1, Svr4Layout::l_name_f, 0);
  layout.set_name(3, "");
  const auto list = run();
  BOOST_TEST(list.complete);
  BOOST_TEST(names_of(list) == std::vector<std::string>{layout.names[2]},
             boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(unreadable_link_map_ends_the_walk) {
  layout.set_link(2, Svr4Layout::l_next_f, Svr4Layout::kUnmapped);
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.problem.find("cannot be read") != std::string::npos);
  BOOST_TEST(list.libraries.size() == 2u);
}

BOOST_AUTO_TEST_CASE(bad_back_link_ends_the_walk) {
  layout.set_link(2, Svr4Layout::l_prev_f, Svr4Layout::lm(0));  // should be lm(1)
  const auto list = run();
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.problem.find("link back") != std::string::npos);
  BOOST_TEST(list.libraries.size() == 1u);
}

BOOST_AUTO_TEST_CASE(chain_longer_than_the_limit_is_cut) {
  Svr4Limits limits;
  limits.max_libraries = 2;
  const auto list = run(limits);
  BOOST_TEST(!list.complete);
  BOOST_TEST(list.libraries.size() == 2u);
}

BOOST_AUTO_TEST_CASE(no_auxv_is_an_error) {
  FakeProcess bare{1};
  auto list = read_svr4_libraries(bare);
  BOOST_TEST(!list.ok());
}

BOOST_AUTO_TEST_CASE(auxv_without_phdr_is_an_error) {
  layout.auxv = {9, 0x1234, 0, 0};
  BOOST_TEST(run_error() == Error::not_supported);
}

BOOST_AUTO_TEST_CASE(auxv_of_a_32_bit_process_is_refused) {
  layout.auxv[3] = 32;  // AT_PHENT of Elf32_Phdr
  BOOST_TEST(run_error() == Error::not_supported);
}

BOOST_AUTO_TEST_CASE(unreadable_program_headers_are_an_error) {
  layout.auxv[1] = Svr4Layout::kUnmapped;
  BOOST_TEST(run_error() == Error::no_memory);
}

BOOST_AUTO_TEST_CASE(absurd_program_header_count_is_refused_without_reading) {
  layout.auxv[5] = 1u << 30;
  BOOST_TEST(run_error() == Error::invalid_argument);
}

BOOST_AUTO_TEST_CASE(process_gone_is_reported) {
  layout.install(proc);
  proc.kill();
  auto list = read_svr4_libraries(proc);
  BOOST_REQUIRE(!list.ok());
  BOOST_TEST(list.error() == Error::process_gone);
}

BOOST_AUTO_TEST_SUITE_END()
