// WindowsProcess memory access. ReadProcessMemory is all-or-nothing on Windows: a read that
// crosses into an inaccessible page fails as a whole (ERROR_PARTIAL_COPY). So every request is
// cut at region boundaries VirtualQueryEx reports, and only readable committed regions are read:
// the caller gets the readable prefix, as gdb and lldb expect. (Wine's ReadProcessMemory is more
// lenient, VirtualQueryEx answers the same on both, so the result does not depend on which.)
#include <algorithm>
#include <cstdint>
#include <limits>

#include "platform/windows/region_info.hpp"
#include "platform/windows/windows_process.hpp"

namespace rspstub::platform::windows_backend {

namespace {

void* remote(std::uint64_t addr) noexcept {
  return reinterpret_cast<void*>(static_cast<std::uintptr_t>(addr));
}

// Bytes of [addr, addr + len) that lie in the region `m` (which contains addr).
std::size_t within_region(const MEMORY_BASIC_INFORMATION& m, std::uint64_t addr,
                          std::size_t len) noexcept {
  const std::uint64_t end = reinterpret_cast<std::uintptr_t>(m.BaseAddress) + m.RegionSize;
  if (end <= addr) return len;  // the region runs to the top of the address space
  return static_cast<std::size_t>(std::min<std::uint64_t>(len, end - addr));
}

// len clamped so that addr + len does not wrap past 2^64.
std::size_t non_wrapping(std::uint64_t addr, std::size_t len) noexcept {
  const std::uint64_t room = std::numeric_limits<std::uint64_t>::max() - addr + 1;  // 0: all
  return room == 0 ? len : static_cast<std::size_t>(std::min<std::uint64_t>(len, room));
}

constexpr DWORD kExecutable =
    PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;

}  // namespace

ReadResult WindowsProcess::read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept {
  if (out.empty()) return {0, Error::invalid_argument};
  const std::size_t n = non_wrapping(addr, out.size());
  std::size_t done = 0;
  Error error = Error::no_memory;
  while (done < n) {
    const std::uint64_t at = addr + done;
    MEMORY_BASIC_INFORMATION m{};
    if (!query(at, m)) {
      error = alive() ? Error::no_memory : Error::process_gone;
      break;
    }
    if (!is_readable(m)) break;  // free, reserved, PAGE_NOACCESS or a guard page
    const std::size_t chunk = within_region(m, at, n - done);
    SIZE_T got = 0;
    const BOOL ok = ::ReadProcessMemory(handle_.get(), remote(at), out.data() + done, chunk, &got);
    done += ok ? chunk : std::min<std::size_t>(got, chunk);
    if (!ok) {
      // The region changed between the query and the read (freed or protected meanwhile).
      error = failure(::GetLastError());
      break;
    }
  }
  if (done > 0) return {done, Error::none};
  return {0, error};
}

WriteResult WindowsProcess::write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  if (in.empty()) return {0, Error::invalid_argument};
  if (!can_write_) return {0, alive() ? Error::permission : Error::process_gone};
  const std::size_t n = non_wrapping(addr, in.size());
  std::size_t done = 0;
  Error error = Error::no_memory;
  while (done < n) {
    const std::uint64_t at = addr + done;
    MEMORY_BASIC_INFORMATION m{};
    if (!query(at, m)) {
      error = alive() ? Error::no_memory : Error::process_gone;
      break;
    }
    // Guard pages are left alone: writing would clear the guard (a stack could not grow).
    if (m.State != MEM_COMMIT || (m.Protect & PAGE_GUARD) != 0) break;
    const std::size_t chunk = within_region(m, at, n - done);
    const bool executable = (m.Protect & kExecutable) != 0;
    // Read-only (or no-access) pages are made writable for the write, then restored, as a
    // debugger patching code must.
    DWORD old = 0;
    const bool reprotect = !is_writable(m);
    if (reprotect && !::VirtualProtectEx(handle_.get(), remote(at), chunk,
                                         executable ? PAGE_EXECUTE_READWRITE : PAGE_READWRITE,
                                         &old)) {
      error = failure(::GetLastError());
      break;
    }
    SIZE_T put = 0;
    const BOOL ok = ::WriteProcessMemory(handle_.get(), remote(at), in.data() + done, chunk, &put);
    const DWORD code = ok ? 0 : ::GetLastError();
    if (reprotect) {
      DWORD ignored = 0;
      ::VirtualProtectEx(handle_.get(), remote(at), chunk, old, &ignored);
    }
    if (executable) ::FlushInstructionCache(handle_.get(), remote(at), chunk);
    done += ok ? chunk : std::min<std::size_t>(put, chunk);
    if (!ok) {
      error = failure(code);
      break;
    }
  }
  if (done > 0) return {done, Error::none};
  return {0, error};
}

}  // namespace rspstub::platform::windows_backend
