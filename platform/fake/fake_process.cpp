#include "platform/fake/fake_process.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

namespace rspstub::platform::fake {
namespace {

// As on Linux x86-64 (see linux/address_range.hpp): nothing at or above 2^63 is ever accessed,
// and a range running past 2^64 is refused whole. Returns the length to use, 0 to refuse.
std::size_t accessible_length(std::uint64_t addr, std::size_t len) noexcept {
  constexpr std::uint64_t kLimit = std::uint64_t{1} << 63;
  if (addr >= kLimit || len > std::numeric_limits<std::uint64_t>::max() - addr) return 0;
  return static_cast<std::size_t>(std::min<std::uint64_t>(len, kLimit - addr));
}

}  // namespace

FakeProcess::FakeProcess(int pid) : pid_(pid) {
  info_.pid = pid;
}

void FakeProcess::add_region(std::uint64_t start, std::vector<std::byte> contents, bool readable,
                             bool writable, bool executable, std::string name) {
  if (contents.empty() || contents.size() > std::numeric_limits<std::uint64_t>::max() - start)
    throw std::invalid_argument("FakeProcess::add_region: empty or wrapping region");
  const std::uint64_t end = start + contents.size();
  // Overlap: the first region ending above `start` begins before `end`.
  auto next = regions_.lower_bound(start);
  if (next != regions_.end() && next->first < end)
    throw std::invalid_argument("FakeProcess::add_region: overlaps a region");
  if (next != regions_.begin() && std::prev(next)->second.end > start)
    throw std::invalid_argument("FakeProcess::add_region: overlaps a region");
  regions_.emplace(start, Region{end, std::move(contents), readable, writable, executable,
                                 std::move(name)});
}

void FakeProcess::add_thread(int tid, std::string name, x86_64::Registers regs) {
  if (thread(tid) != nullptr) throw std::invalid_argument("FakeProcess::add_thread: tid exists");
  threads_.push_back(Thread{tid, std::move(name), regs});
}

void FakeProcess::set_auxv(std::vector<std::byte> auxv) { auxv_ = std::move(auxv); }

void FakeProcess::set_executable_path(std::string path) { executable_path_ = std::move(path); }

void FakeProcess::set_loaded_modules(std::vector<LoadedModule> modules) {
  modules_ = std::move(modules);
}

void FakeProcess::set_info(ProcessInfo info) { info_ = std::move(info); }

void FakeProcess::fail_next_reads(Error e, int count) noexcept {
  fail_error_ = e;
  fail_count_ = count;
}

FakeProcess::RegionMap::iterator FakeProcess::find(std::uint64_t addr) noexcept {
  auto it = regions_.upper_bound(addr);  // first region starting above addr
  if (it == regions_.begin()) return regions_.end();
  --it;
  return addr < it->second.end ? it : regions_.end();
}

FakeProcess::RegionMap::const_iterator FakeProcess::find(std::uint64_t addr) const noexcept {
  return const_cast<FakeProcess*>(this)->find(addr);
}

const FakeProcess::Thread* FakeProcess::thread(int tid) const noexcept {
  auto it = std::find_if(threads_.begin(), threads_.end(),
                         [tid](const Thread& t) { return t.tid == tid; });
  return it == threads_.end() ? nullptr : &*it;
}

// permission when the page is mapped but refuses the access outright: unreadable for a read,
// protected against everything (PROT_NONE) for a write. no_memory otherwise: unmapped, or a
// write to read-only memory (there is no writable memory there).
Error FakeProcess::refusal_at(std::uint64_t addr, bool for_write) const noexcept {
  auto it = find(addr);
  if (it == regions_.end()) return Error::no_memory;
  const Region& r = it->second;
  const bool protected_page = for_write ? !r.readable && !r.writable : !r.readable;
  return protected_page ? Error::permission : Error::no_memory;
}

std::vector<std::byte> FakeProcess::contents(std::uint64_t addr, std::size_t n) const {
  std::vector<std::byte> out;
  out.reserve(n);
  while (out.size() < n) {
    const std::uint64_t at = addr + out.size();
    auto it = find(at);
    if (it == regions_.end()) throw std::out_of_range("FakeProcess::contents: unmapped byte");
    const Region& r = it->second;
    const std::size_t take = std::min<std::uint64_t>(n - out.size(), r.end - at);
    const auto from = r.bytes.begin() + static_cast<std::ptrdiff_t>(at - it->first);
    out.insert(out.end(), from, from + static_cast<std::ptrdiff_t>(take));
  }
  return out;
}

ReadResult FakeProcess::read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept {
  ++read_calls_;
  if (((reinterpret_cast<std::uintptr_t>(out.data()) - addr) & 4095) < 64) ++aliased_reads_;
  if (killed_) return {0, Error::process_gone};
  if (fail_count_ > 0) {
    --fail_count_;
    return {0, fail_error_};
  }
  if (out.empty()) return {0, Error::invalid_argument};
  const std::size_t n = accessible_length(addr, out.size());
  if (n == 0) return {0, Error::no_memory};
  // Copy region by region while the next byte is mapped and readable.
  std::size_t done = 0;
  while (done < n) {
    const std::uint64_t at = addr + done;
    auto it = find(at);
    if (it == regions_.end() || !it->second.readable) break;
    const std::size_t take = std::min<std::uint64_t>(n - done, it->second.end - at);
    std::memcpy(out.data() + done, it->second.bytes.data() + (at - it->first), take);
    done += take;
  }
  if (done > 0) return {done, Error::none};
  return {0, refusal_at(addr, false)};
}

WriteResult FakeProcess::write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  ++write_calls_;
  if (killed_) return {0, Error::process_gone};
  if (in.empty()) return {0, Error::invalid_argument};
  const std::size_t n = accessible_length(addr, in.size());
  if (n == 0) return {0, Error::no_memory};
  std::size_t done = 0;
  while (done < n) {
    const std::uint64_t at = addr + done;
    auto it = find(at);
    if (it == regions_.end() || !it->second.writable) break;
    const std::size_t take = std::min<std::uint64_t>(n - done, it->second.end - at);
    std::memcpy(it->second.bytes.data() + (at - it->first), in.data() + done, take);
    done += take;
  }
  if (done > 0) return {done, Error::none};
  return {0, refusal_at(addr, true)};
}

Result<MemoryRegion> FakeProcess::region_at(std::uint64_t addr) {
  if (killed_) return Error::process_gone;
  MemoryRegion out;
  auto next = regions_.upper_bound(addr);  // first region starting above addr
  if (next != regions_.begin() && addr < std::prev(next)->second.end) {
    const auto& [start, r] = *std::prev(next);
    out.start = start;
    out.end = r.end;
    out.mapped = true;
    out.readable = r.readable;
    out.writable = r.writable;
    out.executable = r.executable;
    out.name = r.name;
    return out;
  }
  // A gap: from the end of the previous region (or 0) to the next one (or the top).
  out.start = next == regions_.begin() ? 0 : std::prev(next)->second.end;
  out.end = next == regions_.end() ? 0 : next->first;
  return out;
}

Result<std::vector<int>> FakeProcess::threads() {
  if (killed_) return Error::process_gone;
  std::vector<int> tids;
  for (const Thread& t : threads_) tids.push_back(t.tid);
  // As on Linux: the main thread first, the others in ascending order.
  if (!tids.empty()) std::sort(tids.begin() + 1, tids.end());
  return tids;
}

Result<std::string> FakeProcess::thread_name(int tid) {
  if (killed_) return Error::process_gone;
  const Thread* t = thread(tid);
  if (t == nullptr) return Error::no_such_thread;
  return t->name;
}

Result<x86_64::Registers> FakeProcess::registers(int tid) {
  if (killed_) return Error::process_gone;
  const Thread* t = thread(tid);
  if (t == nullptr) return Error::no_such_thread;
  return t->regs;
}

Result<std::vector<std::byte>> FakeProcess::auxv() {
  if (killed_) return Error::process_gone;
  if (!auxv_) return Error::not_supported;
  return *auxv_;
}

Result<std::string> FakeProcess::executable_path() {
  if (killed_) return Error::process_gone;
  if (!executable_path_) return Error::not_supported;
  return *executable_path_;
}

Result<std::vector<LoadedModule>> FakeProcess::loaded_modules() {
  if (killed_) return Error::process_gone;
  if (!modules_) return Error::not_supported;
  return *modules_;
}

Result<ProcessInfo> FakeProcess::info() {
  if (killed_) return Error::process_gone;
  return info_;
}

}  // namespace rspstub::platform::fake
