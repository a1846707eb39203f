// The Linux backend on a real child process (see child_process.hpp), never stopped or traced.
#include <boost/test/unit_test.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "child_process.hpp"
#include "platform/host.hpp"
#include "platform/linux/linux_process.hpp"
#include "platform/linux/proc_liveness.hpp"

namespace platform = rspstub::platform;
namespace reg = rspstub::platform::x86_64;
using platform::Error;
using platform::linux_backend::LinuxProcess;
using rspstub::test::Child;
using rspstub::test::kPage;
using rspstub::test::pattern_byte;

namespace {

struct Attached {
  Child child;
  std::unique_ptr<LinuxProcess> proc;
  std::vector<std::byte> buf = std::vector<std::byte>(4 * kPage);

  Attached() {
    auto p = LinuxProcess::attach(child.pid());
    BOOST_REQUIRE(p.ok());
    proc = std::move(*p);
  }

  platform::ReadResult read(std::uint64_t addr, std::size_t n) {
    std::fill(buf.begin(), buf.end(), std::byte{0});
    return proc->read_memory(addr, std::span(buf).first(n));
  }

  // The first n bytes of buf are the child's pattern at addr.
  bool holds_pattern(std::uint64_t addr, std::size_t n) const {
    for (std::size_t i = 0; i < n; ++i)
      if (buf[i] != pattern_byte(addr + i)) return false;
    return true;
  }

  std::uint64_t read_counter() {
    std::uint64_t v = 0;
    const auto r =
        proc->read_memory(child.layout().counter, std::as_writable_bytes(std::span(&v, 1)));
    BOOST_REQUIRE(r.bytes == sizeof v);
    return v;
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(linux_process, Attached)

BOOST_AUTO_TEST_CASE(read_inside_a_mapping_is_exact_in_one_syscall) {
  const std::uint64_t at = child.layout().pattern + 123;
  const auto r = read(at, 2 * kPage - 123);
  BOOST_TEST(r.bytes == 2 * kPage - 123);
  BOOST_TEST((r.error == Error::none));
  BOOST_TEST(holds_pattern(at, r.bytes));
  BOOST_TEST(proc->memory_stats().vm_readv_calls == 1u);
  BOOST_TEST(proc->memory_stats().proc_mem_reads == 0u);
}

BOOST_AUTO_TEST_CASE(read_into_an_unmapped_page_returns_the_prefix) {
  const std::uint64_t at = child.layout().straddle + kPage - 16;
  const auto r = read(at, 64);
  BOOST_TEST(r.bytes == 16u);
  BOOST_TEST((r.error == Error::none));
  BOOST_TEST(holds_pattern(at, 16));
}

BOOST_AUTO_TEST_CASE(read_starting_in_an_unmapped_page_is_no_memory) {
  const auto r = read(child.layout().straddle + kPage, 16);
  BOOST_TEST(r.bytes == 0u);
  BOOST_TEST((r.error == Error::no_memory));
}

BOOST_AUTO_TEST_CASE(prot_none_page_reads_its_real_bytes) {
  const std::uint64_t at = child.layout().protnone;
  const auto r = read(at, kPage);
  BOOST_TEST(r.bytes == kPage);
  BOOST_TEST(holds_pattern(at, kPage));
  // process_vm_readv refuses the page: the bytes came through /proc/PID/mem.
  BOOST_TEST(proc->memory_stats().proc_mem_reads >= 1u);
  BOOST_TEST(!proc->proc_mem_only());  // EFAULT is no reason to give process_vm_readv up
}

BOOST_AUTO_TEST_CASE(addresses_that_cannot_hold_memory) {
  BOOST_TEST((read(0, 8).error == Error::no_memory));
  BOOST_TEST(read(0, 8).bytes == 0u);
  const auto calls = proc->memory_stats();
  BOOST_TEST((read(std::uint64_t{1} << 63, 8).error == Error::no_memory));
  BOOST_TEST((read(0xffffffffffffff00ull, 0x10).error == Error::no_memory));
  BOOST_TEST((read(0xffffffffffffff00ull, 0x200).error == Error::no_memory));  // past 2^64
  BOOST_TEST((read(0xffffffffff600000ull, 8).error == Error::no_memory));      // vsyscall
  // None of these reached a syscall.
  BOOST_TEST(proc->memory_stats().vm_readv_calls == calls.vm_readv_calls);
  BOOST_TEST(proc->memory_stats().proc_mem_reads == calls.proc_mem_reads);
  // Just below 2^63 the range is clamped, and nothing is mapped there.
  BOOST_TEST((read((std::uint64_t{1} << 63) - 8, 16).error == Error::no_memory));
  BOOST_TEST((read(child.layout().pattern, 0).error == Error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(forced_proc_mem_path_gives_the_same_bytes) {
  proc->set_force_proc_mem(true);
  const auto& l = child.layout();
  auto r = read(l.pattern + 5, 2 * kPage - 5);
  BOOST_TEST(r.bytes == 2 * kPage - 5);
  BOOST_TEST(holds_pattern(l.pattern + 5, r.bytes));
  r = read(l.straddle + kPage - 16, 64);
  BOOST_TEST(r.bytes == 16u);
  BOOST_TEST(holds_pattern(l.straddle + kPage - 16, 16));
  r = read(l.protnone + 100, 50);
  BOOST_TEST(r.bytes == 50u);
  BOOST_TEST(holds_pattern(l.protnone + 100, 50));
  BOOST_TEST((read(l.straddle + kPage, 8).error == Error::no_memory));
  BOOST_TEST((read(0, 8).error == Error::no_memory));
  BOOST_TEST(proc->memory_stats().vm_readv_calls == 0u);
}

BOOST_AUTO_TEST_CASE(a_changing_value_is_seen_to_change) {
  const std::uint64_t first = read_counter();
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  const std::uint64_t second = read_counter();
  BOOST_TEST(second > first);
  proc->set_force_proc_mem(true);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  BOOST_TEST(read_counter() > second);
}

BOOST_AUTO_TEST_CASE(writes_land_in_the_child) {
  const std::array<std::byte, 3> data{std::byte{0xde}, std::byte{0xad}, std::byte{0x01}};
  const std::uint64_t at = child.layout().pattern + 40;
  BOOST_TEST(proc->write_memory(at, data).bytes == 3u);
  BOOST_TEST(read(at - 1, 5).bytes == 5u);
  BOOST_TEST((buf[0] == pattern_byte(at - 1)));
  BOOST_TEST((buf[1] == std::byte{0xde}));
  BOOST_TEST((buf[3] == std::byte{0x01}));
  BOOST_TEST((buf[4] == pattern_byte(at + 3)));
  const std::uint64_t unmapped = child.layout().straddle + kPage;
  BOOST_TEST((proc->write_memory(unmapped, data).error == Error::no_memory));
  BOOST_TEST((proc->write_memory(std::uint64_t{1} << 63, data).error == Error::no_memory));
  const std::span<const std::byte> none;
  BOOST_TEST((proc->write_memory(at, none).error == Error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(threads_main_first_with_names) {
  const auto tids = proc->threads();
  BOOST_REQUIRE(tids.ok());
  BOOST_REQUIRE(tids->size() == 3u);
  BOOST_TEST(tids->front() == child.pid());
  std::vector<int> workers(child.layout().worker_tids, child.layout().worker_tids + 2);
  std::sort(workers.begin(), workers.end());
  BOOST_TEST((std::vector<int>(tids->begin() + 1, tids->end()) == workers));
  BOOST_TEST(*proc->thread_name(child.pid()) == child.layout().comm);
  BOOST_TEST(*proc->thread_name(child.layout().worker_tids[0]) == "worker1");
  BOOST_TEST(*proc->thread_name(child.layout().worker_tids[1]) == "worker2");
  BOOST_TEST((proc->thread_name(::getpid()).error() == Error::no_such_thread));  // not its thread
  BOOST_TEST((proc->registers(::getpid()).error() == Error::no_such_thread));
  BOOST_TEST((proc->thread_name(0).error() == Error::no_such_thread));
}

BOOST_AUTO_TEST_CASE(registers_of_a_sleeping_thread) {
  // The main thread sleeps in nanosleep between increments; it is rarely caught running.
  reg::Registers regs;
  for (int i = 0; i < 20 && !regs.valid.test(reg::rip); ++i) {
    auto r = proc->registers(child.pid());
    BOOST_REQUIRE(r.ok());
    regs = *r;
  }
  BOOST_REQUIRE(regs.valid.test(reg::rip));
  BOOST_TEST(regs.valid.test(reg::rsp));
  BOOST_TEST(!regs.valid.test(reg::rax));
  const auto stack = proc->region_at(regs.get_u64(reg::rsp));
  BOOST_REQUIRE(stack.ok());
  BOOST_TEST(stack->name == "[stack]");
  const auto code = proc->region_at(regs.get_u64(reg::rip));
  BOOST_REQUIRE(code.ok());
  BOOST_TEST(code->mapped);
  BOOST_TEST(code->executable);
  // A worker blocked in pause() is in a system call too.
  const auto worker = proc->registers(child.layout().worker_tids[0]);
  BOOST_REQUIRE(worker.ok());
  BOOST_TEST(worker->valid.test(reg::orig_rax));
}

BOOST_AUTO_TEST_CASE(regions_and_gaps) {
  const auto& l = child.layout();
  auto r = proc->region_at(l.pattern + kPage);
  BOOST_REQUIRE(r.ok());
  BOOST_TEST(r->mapped);
  BOOST_TEST(r->readable);
  BOOST_TEST(r->writable);
  BOOST_TEST(!r->executable);
  BOOST_TEST(r->start <= l.pattern);  // anonymous neighbours may be merged with it
  BOOST_TEST(r->end >= l.pattern + 2 * kPage);
  r = proc->region_at(l.protnone);
  BOOST_TEST(r->mapped);
  BOOST_TEST(!r->readable);
  BOOST_TEST(r->start == l.protnone);
  BOOST_TEST(r->end == l.protnone + kPage);
  r = proc->region_at(l.straddle + kPage);
  BOOST_TEST(!r->mapped);
  BOOST_TEST(r->start == l.straddle + kPage);
  BOOST_TEST((r->end == 0 || r->end > l.straddle + kPage));
  r = proc->region_at(0);
  BOOST_TEST(!r->mapped);
  BOOST_TEST(r->start == 0u);
  BOOST_TEST(r->end > 0u);
}

BOOST_AUTO_TEST_CASE(auxv_exe_and_info) {
  const auto auxv = proc->auxv();
  BOOST_REQUIRE(auxv.ok());
  BOOST_REQUIRE(auxv->size() >= 16u);
  bool has_entry = false;
  for (std::size_t i = 0; i + 16 <= auxv->size(); i += 16) {
    std::uint64_t key = 0, value = 0;
    std::memcpy(&key, auxv->data() + i, 8);
    std::memcpy(&value, auxv->data() + i + 8, 8);
    if (key == 9 /* AT_ENTRY */ && value != 0) has_entry = true;
  }
  BOOST_TEST(has_entry);
  BOOST_TEST(*proc->executable_path() == child.layout().exe);
  const auto info = proc->info();
  BOOST_REQUIRE(info.ok());
  BOOST_TEST(info->pid == child.pid());
  BOOST_TEST(info->parent_pid == ::getpid());
  BOOST_TEST(info->real_uid == ::getuid());
  BOOST_TEST(info->effective_uid == ::geteuid());
  BOOST_TEST(info->real_gid == ::getgid());
  BOOST_TEST(info->effective_gid == ::getegid());
  BOOST_TEST(info->name == child.layout().comm);
  BOOST_TEST(proc->pid() == child.pid());
}

BOOST_AUTO_TEST_CASE(after_the_process_is_gone) {
  const int tid = child.layout().worker_tids[0];
  const std::uint64_t at = child.layout().pattern;
  child.kill_and_reap();
  BOOST_TEST((read(at, 8).error == Error::process_gone));
  BOOST_TEST((proc->write_memory(at, std::span(buf).first(1)).error == Error::process_gone));
  proc->set_force_proc_mem(true);
  BOOST_TEST((read(at, 8).error == Error::process_gone));
  BOOST_TEST((proc->region_at(at).error() == Error::process_gone));
  BOOST_TEST((proc->threads().error() == Error::process_gone));
  BOOST_TEST((proc->thread_name(tid).error() == Error::process_gone));
  BOOST_TEST((proc->registers(tid).error() == Error::process_gone));
  BOOST_TEST((proc->auxv().error() == Error::process_gone));
  BOOST_TEST((proc->executable_path().error() == Error::process_gone));
  BOOST_TEST((proc->info().error() == Error::process_gone));
}

BOOST_AUTO_TEST_CASE(a_zombie_reads_as_gone) {
  const std::uint64_t at = child.layout().pattern;
  ::kill(child.pid(), SIGKILL);  // not reaped yet: a zombie until the fixture's waitpid
  // Wait until the whole thread group is dead (WNOWAIT: without reaping it). The leader shows
  // as a zombie as soon as it exits itself, while its other threads may still be exiting and
  // holding the address space: then a read can still succeed.
  siginfo_t info{};
  BOOST_REQUIRE(::waitid(P_PID, static_cast<id_t>(child.pid()), &info, WEXITED | WNOWAIT) == 0);
  BOOST_TEST(!platform::linux_backend::process_exists(child.pid()));
  BOOST_TEST((read(at, 8).error == Error::process_gone));
  proc->set_force_proc_mem(true);
  BOOST_TEST((read(at, 8).error == Error::process_gone));
  BOOST_TEST((LinuxProcess::attach(child.pid()).error() == Error::process_gone));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(linux_attach)

BOOST_AUTO_TEST_CASE(attach_to_a_process_that_no_longer_exists) {
  const pid_t pid = ::fork();
  BOOST_REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(0);
  int status = 0;
  BOOST_REQUIRE(::waitpid(pid, &status, 0) == pid);
  BOOST_TEST((LinuxProcess::attach(pid).error() == Error::process_gone));
  BOOST_TEST((platform::attach_for_inspection(pid).error() == Error::process_gone));
  BOOST_TEST((LinuxProcess::attach(0).error() == Error::invalid_argument));
  BOOST_TEST((LinuxProcess::attach(-1).error() == Error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(attach_to_a_thread_id_is_refused) {
  Child child;
  BOOST_TEST((LinuxProcess::attach(child.layout().worker_tids[0]).error() ==
              Error::invalid_argument));
}

BOOST_AUTO_TEST_CASE(attach_for_inspection_gives_a_working_process) {
  Child child;
  auto p = platform::attach_for_inspection(child.pid());
  BOOST_REQUIRE(p.ok());
  std::array<std::byte, 8> out{};
  BOOST_TEST((*p)->read_memory(child.layout().pattern, out).bytes == 8u);
  BOOST_TEST((out[7] == pattern_byte(child.layout().pattern + 7)));
}

BOOST_AUTO_TEST_CASE(host_info_from_uname) {
  const auto h = platform::host_info();
  BOOST_TEST(h.triple == "x86_64-pc-linux-gnu");
  BOOST_TEST(h.os_type == "linux");
  BOOST_TEST(h.pointer_size == 8);
  BOOST_TEST(!h.os_version.empty());
  BOOST_TEST(h.os_build.starts_with(h.os_version));
  BOOST_TEST(!h.os_kernel.empty());
  BOOST_TEST(!h.hostname.empty());
}

BOOST_AUTO_TEST_SUITE_END()
