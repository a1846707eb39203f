// The Windows backend on a real running program (rspstub_demo_windows, see windows_child.hpp),
// never suspended or debugged. Under wine, ReadProcessMemory itself is more lenient than on
// Windows at a boundary (see /work/shared/design/windows.md): these tests assert rspstub's own
// results, which must be the same on both.
#include <boost/test/unit_test.hpp>

#include <windows.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "error_printing.hpp"
#include "platform/host.hpp"
#include "platform/windows/windows_process.hpp"
#include "windows_child.hpp"

namespace platform = rspstub::platform;
using platform::Error;
using platform::windows_backend::WindowsProcess;
using rspstub::test::demo_pattern_byte;
using rspstub::test::demo_program_path;
using rspstub::test::WindowsChild;

namespace {

struct Attached {
  WindowsChild child{demo_program_path()};
  std::unique_ptr<WindowsProcess> proc;
  std::uint64_t page = child.value("page_size");
  std::vector<std::byte> buf = std::vector<std::byte>(4 * page);

  Attached() {
    auto p = WindowsProcess::attach(child.pid());
    BOOST_REQUIRE_MESSAGE(p.ok(), "attach: " << platform::to_string(p.error()));
    proc = std::move(*p);
  }

  std::uint64_t read_u64(std::uint64_t addr) {
    std::uint64_t v = 0;
    auto r = proc->read_memory(addr, std::as_writable_bytes(std::span(&v, 1)));
    BOOST_REQUIRE_EQUAL(r.bytes, sizeof v);
    return v;
  }
};

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(windows_process)

BOOST_FIXTURE_TEST_CASE(reads_a_global_that_changes_while_it_runs, Attached) {
  BOOST_TEST(proc->alive());
  BOOST_TEST(proc->pid() == child.pid());
  const std::uint64_t first = read_u64(child.value("g_counter"));
  ::Sleep(200);
  const std::uint64_t second = read_u64(child.value("g_counter"));
  BOOST_TEST(second > first);
}

// qGetTIBAddr's source: the TEB the demo's main thread sees itself (NtCurrentTeb), and whose
// NT_TIB.Self field (offset 0x30 on x64) points back at it.
BOOST_FIXTURE_TEST_CASE(finds_the_thread_information_block, Attached) {
  const int main_tid = static_cast<int>(child.value("main_tid"));
  auto teb = proc->thread_information_block(main_tid);
  BOOST_REQUIRE_MESSAGE(teb.ok(), "thread_information_block: " << platform::to_string(teb.error()));
  BOOST_TEST(*teb == child.value("main_teb"));
  BOOST_TEST(read_u64(*teb + 0x30) == *teb);
  auto ticker = proc->thread_information_block(static_cast<int>(child.value("ticker_tid")));
  BOOST_REQUIRE(ticker.ok());
  BOOST_TEST(*ticker != *teb);
  BOOST_TEST(proc->thread_information_block(0).error() == Error::no_such_thread);
  BOOST_TEST(proc->thread_information_block(static_cast<int>(::GetCurrentThreadId())).error() ==
             Error::no_such_thread);  // a thread of another process
}

BOOST_FIXTURE_TEST_CASE(follows_a_pointer_to_the_heap, Attached) {
  BOOST_TEST(read_u64(child.value("g_message")) == child.value("message"));
  char text[64] = {};
  auto r = proc->read_memory(child.value("message"), std::as_writable_bytes(std::span(text)));
  BOOST_REQUIRE(r.bytes == sizeof text);
  BOOST_TEST(std::string(text) == "hello from the rspstub windows demo");
}

// The stub's own clamping: a read that starts on a readable page and runs into PAGE_NOACCESS
// returns exactly the readable prefix, with the right bytes.
BOOST_FIXTURE_TEST_CASE(a_read_into_a_noaccess_page_returns_the_readable_prefix, Attached) {
  const std::uint64_t boundary = child.value("boundary");
  const std::uint64_t start = boundary + page - 40;
  auto r = proc->read_memory(start, std::span(buf).first(200));
  BOOST_TEST(r.error == Error::none);
  BOOST_REQUIRE_EQUAL(r.bytes, 40u);
  for (std::size_t i = 0; i < 40; ++i)
    BOOST_TEST(static_cast<unsigned char>(buf[i]) == demo_pattern_byte(page - 40 + i));

  // The whole readable page in one read, from its start, and more asked for than there is.
  r = proc->read_memory(boundary, std::span(buf).first(3 * page));
  BOOST_REQUIRE_EQUAL(r.bytes, page);
  for (std::size_t i = 0; i < page; ++i)
    BOOST_TEST_REQUIRE(static_cast<unsigned char>(buf[i]) == demo_pattern_byte(i));
}

BOOST_FIXTURE_TEST_CASE(a_read_starting_in_noaccess_or_reserved_memory_fails, Attached) {
  auto r = proc->read_memory(child.value("boundary") + page, std::span(buf).first(16));
  BOOST_TEST(r.bytes == 0u);
  BOOST_TEST(r.error == Error::no_memory);
  r = proc->read_memory(child.value("reserved"), std::span(buf).first(16));
  BOOST_TEST(r.bytes == 0u);
  BOOST_TEST(r.error == Error::no_memory);
}

BOOST_FIXTURE_TEST_CASE(unmapped_and_impossible_addresses_fail_with_no_memory, Attached) {
  for (const std::uint64_t addr : {std::uint64_t{0}, std::uint64_t{0x10},
                                   std::uint64_t{0x0000800000000000}, std::uint64_t{0xffff800000000000},
                                   std::uint64_t{0xffffffffffffff00}}) {
    auto r = proc->read_memory(addr, std::span(buf).first(512));
    BOOST_TEST(r.bytes == 0u, "address " << std::hex << addr);
    BOOST_TEST(r.error == Error::no_memory, "address " << std::hex << addr);
  }
  BOOST_TEST(proc->read_memory(0x10000, {}).error == Error::invalid_argument);
}

BOOST_FIXTURE_TEST_CASE(regions_follow_virtualqueryex, Attached) {
  const std::uint64_t boundary = child.value("boundary");
  auto rw = proc->region_at(boundary + 5);
  BOOST_REQUIRE(rw.ok());
  BOOST_TEST(rw->start == boundary);
  BOOST_TEST(rw->end == boundary + page);
  BOOST_TEST((rw->mapped && rw->readable && rw->writable && !rw->executable));

  auto none = proc->region_at(boundary + page);
  BOOST_REQUIRE(none.ok());
  BOOST_TEST(none->start == boundary + page);
  BOOST_TEST((none->mapped && !none->readable && !none->writable));

  auto ro = proc->region_at(child.value("readonly"));
  BOOST_REQUIRE(ro.ok());
  BOOST_TEST((ro->readable && !ro->writable));

  auto reserved = proc->region_at(child.value("reserved"));
  BOOST_REQUIRE(reserved.ok());
  BOOST_TEST((reserved->mapped && !reserved->readable));
  BOOST_TEST(reserved->end - reserved->start == 65536u);

  auto gap = proc->region_at(0);
  BOOST_REQUIRE(gap.ok());
  BOOST_TEST(!gap->mapped);
  BOOST_TEST(gap->end > gap->start);

  auto top = proc->region_at(0xffff800000000000);
  BOOST_REQUIRE(top.ok());
  BOOST_TEST(!top->mapped);
  BOOST_TEST(top->end == 0u);  // to the top of the address space
  BOOST_TEST(top->start <= 0xffff800000000000);
}

BOOST_FIXTURE_TEST_CASE(image_regions_carry_the_module_path, Attached) {
  auto r = proc->region_at(child.value("g_counter"));
  BOOST_REQUIRE(r.ok());
  BOOST_TEST((r->mapped && r->readable && r->writable));
  BOOST_TEST(ends_with(lower(r->name), "rspstub_demo_windows.exe"), r->name);
}

BOOST_FIXTURE_TEST_CASE(threads_main_first_with_names, Attached) {
  auto tids = proc->threads();
  BOOST_REQUIRE(tids.ok());
  BOOST_REQUIRE(!tids->empty());
  BOOST_TEST(tids->front() == static_cast<int>(child.value("main_tid")));
  const int ticker = static_cast<int>(child.value("ticker_tid"));
  BOOST_TEST((std::find(tids->begin(), tids->end(), ticker) != tids->end()));

  auto name = proc->thread_name(ticker);
  BOOST_REQUIRE(name.ok());
  BOOST_TEST(*name == "ticker");
  BOOST_TEST(proc->thread_name(static_cast<int>(::GetCurrentThreadId())).error() ==
             Error::no_such_thread);  // one of ours, not the demo's
  BOOST_TEST(proc->thread_name(-1).error() == Error::no_such_thread);
}

BOOST_FIXTURE_TEST_CASE(registers_are_unknown_without_stopping, Attached) {
  auto regs = proc->registers(static_cast<int>(child.value("main_tid")));
  BOOST_REQUIRE(regs.ok());
  BOOST_TEST(regs->valid.none());
  BOOST_TEST(proc->registers(static_cast<int>(::GetCurrentThreadId())).error() ==
             Error::no_such_thread);
}

BOOST_FIXTURE_TEST_CASE(executable_path_info_and_auxv, Attached) {
  auto path = proc->executable_path();
  BOOST_REQUIRE(path.ok());
  BOOST_TEST(ends_with(lower(*path), "rspstub_demo_windows.exe"), *path);
  BOOST_TEST((path->size() > 3 && (*path)[1] == ':' && (*path)[2] == '\\'), *path);

  auto info = proc->info();
  BOOST_REQUIRE(info.ok());
  BOOST_TEST(info->pid == child.pid());
  BOOST_TEST(info->parent_pid == static_cast<int>(::GetCurrentProcessId()));
  BOOST_TEST(lower(info->name) == "rspstub_demo_windows.exe");

  BOOST_TEST(proc->auxv().error() == Error::not_supported);
}

BOOST_FIXTURE_TEST_CASE(writes_reach_the_target_and_read_only_pages_stay_read_only, Attached) {
  BOOST_REQUIRE(proc->can_write());
  const std::array<std::byte, 4> data{std::byte{0xde}, std::byte{0xad}, std::byte{0xbe},
                                      std::byte{0xef}};
  for (const char* key : {"boundary", "readonly"}) {
    const std::uint64_t addr = child.value(key) + 100;
    auto w = proc->write_memory(addr, data);
    BOOST_TEST(w.error == Error::none, key);
    BOOST_TEST(w.bytes == data.size(), key);
    auto r = proc->read_memory(addr, std::span(buf).first(4));
    BOOST_REQUIRE_EQUAL(r.bytes, 4u);
    BOOST_TEST(std::memcmp(buf.data(), data.data(), 4) == 0, key);
  }
  auto ro = proc->region_at(child.value("readonly"));
  BOOST_REQUIRE(ro.ok());
  BOOST_TEST(!ro->writable);  // the protection was put back

  auto w = proc->write_memory(child.value("reserved"), data);
  BOOST_TEST(w.bytes == 0u);
  BOOST_TEST(w.error == Error::no_memory);
  BOOST_TEST(proc->write_memory(0x10, data).error == Error::no_memory);
}

BOOST_AUTO_TEST_CASE(a_process_that_exits_is_reported_gone) {
  WindowsChild child(demo_program_path());
  auto p = WindowsProcess::attach(child.pid());
  BOOST_REQUIRE(p.ok());
  auto& proc = **p;
  const std::uint64_t counter = child.value("g_counter");
  child.terminate();

  BOOST_TEST(!proc.alive());
  std::uint64_t v = 0;
  auto r = proc.read_memory(counter, std::as_writable_bytes(std::span(&v, 1)));
  BOOST_TEST(r.bytes == 0u);
  BOOST_TEST(r.error == Error::process_gone);
  BOOST_TEST(proc.threads().error() == Error::process_gone);
  // While the test still holds a handle, the pid names an exited process.
  BOOST_TEST(WindowsProcess::attach(child.pid()).error() == Error::process_gone);
}

BOOST_AUTO_TEST_CASE(a_pid_that_names_no_process_is_reported_gone) {
  int pid = 0;
  {
    WindowsChild child(demo_program_path());
    pid = child.pid();
    child.terminate();
    child.close_handle();
  }
  BOOST_TEST(platform::attach_for_inspection(pid).error() == Error::process_gone);
  BOOST_TEST(platform::attach_for_inspection(0).error() == Error::invalid_argument);
  BOOST_TEST(platform::attach_for_inspection(-5).error() == Error::invalid_argument);
}

BOOST_AUTO_TEST_CASE(host_info_says_windows) {
  const platform::HostInfo h = platform::host_info();
  BOOST_TEST(h.os_type == "windows");
  BOOST_TEST(h.triple.find("windows") != std::string::npos);
  BOOST_TEST(h.pointer_size == 8);
  BOOST_TEST(!h.os_version.empty());
  BOOST_TEST(!h.hostname.empty());
}

BOOST_AUTO_TEST_SUITE_END()
