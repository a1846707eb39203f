#include "platform/windows/windows_process.hpp"

#include <tlhelp32.h>

#include "platform/windows/region_info.hpp"
#include "platform/windows/toolhelp.hpp"
#include "platform/windows/wide_text.hpp"
#include "platform/windows/win32_error_map.hpp"

namespace rspstub::platform::windows_backend {

namespace {

constexpr DWORD kReadRights = PROCESS_VM_READ | PROCESS_QUERY_INFORMATION | SYNCHRONIZE;
constexpr DWORD kWriteRights = PROCESS_VM_WRITE | PROCESS_VM_OPERATION;
// What is left to try when PROCESS_QUERY_INFORMATION is refused (e.g. a higher-integrity
// process): the limited query right still gives the image name and the exit status.
constexpr DWORD kLimitedRights = PROCESS_VM_READ | PROCESS_QUERY_LIMITED_INFORMATION | SYNCHRONIZE;

}  // namespace

WindowsProcess::WindowsProcess(int pid, UniqueHandle handle, bool can_write) noexcept
    : pid_(pid), handle_(std::move(handle)), can_write_(can_write) {}

Result<std::unique_ptr<WindowsProcess>> WindowsProcess::attach(int pid) {
  if (pid <= 0) return Error::invalid_argument;
  const DWORD id = static_cast<DWORD>(pid);
  bool can_write = true;
  UniqueHandle h(::OpenProcess(kReadRights | kWriteRights, FALSE, id));
  if (!h.valid() && ::GetLastError() == ERROR_ACCESS_DENIED) {
    can_write = false;
    h = UniqueHandle(::OpenProcess(kReadRights, FALSE, id));
    if (!h.valid() && ::GetLastError() == ERROR_ACCESS_DENIED)
      h = UniqueHandle(::OpenProcess(kLimitedRights, FALSE, id));
  }
  if (!h.valid()) return open_process_error(::GetLastError());

  // A process that has exited stays openable while anyone holds a handle to it.
  if (::WaitForSingleObject(h.get(), 0) == WAIT_OBJECT_0) return Error::process_gone;

  BOOL wow64 = FALSE;
  if (::IsWow64Process(h.get(), &wow64) && wow64) return Error::not_supported;

  return std::unique_ptr<WindowsProcess>(new WindowsProcess(pid, std::move(h), can_write));
}

bool WindowsProcess::alive() const noexcept {
  return ::WaitForSingleObject(handle_.get(), 0) == WAIT_TIMEOUT;
}

Error WindowsProcess::failure(DWORD code) const noexcept {
  if (!alive()) return Error::process_gone;
  return error_from_win32(code);
}

bool WindowsProcess::query(std::uint64_t addr, MEMORY_BASIC_INFORMATION& m) const noexcept {
  return ::VirtualQueryEx(handle_.get(), reinterpret_cast<LPCVOID>(static_cast<std::uintptr_t>(addr)),
                          &m, sizeof m) == sizeof m;
}

Result<MemoryRegion> WindowsProcess::region_at(std::uint64_t addr) {
  MEMORY_BASIC_INFORMATION m{};
  if (!query(addr, m)) {
    const DWORD code = ::GetLastError();
    if (!alive()) return Error::process_gone;
    // Above the highest application address VirtualQueryEx answers ERROR_INVALID_PARAMETER:
    // there everything up to the top is one gap.
    SYSTEM_INFO si{};
    ::GetSystemInfo(&si);
    const auto top = reinterpret_cast<std::uintptr_t>(si.lpMaximumApplicationAddress);
    if (addr > top) {
      MemoryRegion gap;
      gap.start = std::uint64_t{top} + 1;
      gap.end = 0;  // to the top of the address space
      return gap;
    }
    return error_from_win32(code);
  }
  MemoryRegion r = region_from(m);
  if (m.Type == MEM_IMAGE || m.Type == MEM_MAPPED)
    r.name = module_name(reinterpret_cast<std::uintptr_t>(m.AllocationBase));
  return r;
}

std::string WindowsProcess::module_name(std::uint64_t allocation_base) const {
  std::string name;
  for_each_module(static_cast<DWORD>(pid_), [&](const MODULEENTRY32W& mod) {
    if (reinterpret_cast<std::uintptr_t>(mod.modBaseAddr) != allocation_base) return true;
    name = utf8_from_wide(mod.szExePath);
    return false;
  });
  return name;
}

Result<std::vector<std::byte>> WindowsProcess::auxv() { return Error::not_supported; }

Result<std::string> WindowsProcess::executable_path() {
  // Long paths: the \\?\ limit of 32767 UTF-16 units.
  std::wstring buf(32768, L'\0');
  DWORD size = static_cast<DWORD>(buf.size());
  if (!::QueryFullProcessImageNameW(handle_.get(), 0, buf.data(), &size))
    return failure(::GetLastError());
  buf.resize(size);
  return utf8_from_wide(buf);
}

Result<ProcessInfo> WindowsProcess::info() {
  ProcessInfo info;
  info.pid = pid_;
  bool found = false;
  const bool listed = for_each_process([&](const PROCESSENTRY32W& p) {
    if (p.th32ProcessID != static_cast<DWORD>(pid_)) return true;
    info.parent_pid = static_cast<int>(p.th32ParentProcessID);
    info.name = utf8_from_wide(p.szExeFile);
    found = true;
    return false;
  });
  if (!listed) return failure(::GetLastError());
  if (!found || !alive()) return Error::process_gone;
  // Windows identifies users by SIDs, not numbers: the uid/gid fields stay 0.
  return info;
}

}  // namespace rspstub::platform::windows_backend
