#include "platform/windows/region_info.hpp"

#include <cstdint>

namespace rspstub::platform::windows_backend {

namespace {

constexpr DWORD kWritable =
    PAGE_READWRITE | PAGE_WRITECOPY | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;
constexpr DWORD kExecutable =
    PAGE_EXECUTE | PAGE_EXECUTE_READ | PAGE_EXECUTE_READWRITE | PAGE_EXECUTE_WRITECOPY;

}  // namespace

bool is_readable(const MEMORY_BASIC_INFORMATION& m) noexcept {
  if (m.State != MEM_COMMIT) return false;
  if (m.Protect == 0 || (m.Protect & (PAGE_NOACCESS | PAGE_GUARD)) != 0) return false;
  // PAGE_EXECUTE alone: executable but not readable (no x86 CPU enforces it, but Windows does
  // for ReadProcessMemory).
  return (m.Protect & 0xff) != PAGE_EXECUTE;
}

bool is_writable(const MEMORY_BASIC_INFORMATION& m) noexcept {
  return is_readable(m) && (m.Protect & kWritable) != 0;
}

bool is_executable(const MEMORY_BASIC_INFORMATION& m) noexcept {
  return m.State == MEM_COMMIT && (m.Protect & kExecutable) != 0 &&
         (m.Protect & PAGE_GUARD) == 0;
}

MemoryRegion region_from(const MEMORY_BASIC_INFORMATION& m) noexcept {
  MemoryRegion r;
  r.start = reinterpret_cast<std::uintptr_t>(m.BaseAddress);
  r.end = r.start + m.RegionSize;  // 0 when the region runs to the top of the address space
  r.mapped = m.State != MEM_FREE;
  r.readable = is_readable(m);
  r.writable = is_writable(m);
  r.executable = is_executable(m);
  return r;
}

}  // namespace rspstub::platform::windows_backend
