// WindowsProcess: threads, their names and registers. Inspection mode never suspends a thread,
// and GetThreadContext is only meaningful on a suspended one: so no register is known.
#include <algorithm>

#include "platform/windows/ntdll.hpp"
#include "platform/windows/toolhelp.hpp"
#include "platform/windows/wide_text.hpp"
#include "platform/windows/windows_process.hpp"

namespace rspstub::platform::windows_backend {

namespace {

// GetThreadDescription exists from Windows 10 1607 on (and in wine); looked up at run time so
// the stub still starts on older systems, where threads simply have no names.
using GetThreadDescriptionFn = HRESULT(WINAPI*)(HANDLE, PWSTR*);

GetThreadDescriptionFn get_thread_description() noexcept {
  static const GetThreadDescriptionFn fn = [] {
    HMODULE k = ::GetModuleHandleW(L"kernel32.dll");
    FARPROC p = k != nullptr ? ::GetProcAddress(k, "GetThreadDescription") : nullptr;
    // GetProcAddress returns a generic function pointer; this is its real type.
    return reinterpret_cast<GetThreadDescriptionFn>(reinterpret_cast<void*>(p));
  }();
  return fn;
}

// NtQueryInformationThread with ThreadBasicInformation (class 0) fills this (ntdll's layout;
// winternl.h does not declare it).
struct ThreadBasicInformation {
  LONG exit_status;
  PVOID teb_base_address;
  struct {
    HANDLE process;
    HANDLE thread;
  } client_id;
  ULONG_PTR affinity_mask;
  LONG priority;
  LONG base_priority;
};
using NtQueryInformationThreadFn = LONG(WINAPI*)(HANDLE, int, PVOID, ULONG, PULONG);
constexpr int kThreadBasicInformation = 0;

}  // namespace

Result<std::uint64_t> WindowsProcess::thread_information_block(int tid) {
  if (tid <= 0 || !owns_thread(static_cast<DWORD>(tid)))
    return alive() ? Error::no_such_thread : Error::process_gone;
  static const auto query =
      ntdll_function<NtQueryInformationThreadFn>("NtQueryInformationThread");
  if (query == nullptr) return Error::not_supported;
  UniqueHandle thread(::OpenThread(THREAD_QUERY_INFORMATION, FALSE, static_cast<DWORD>(tid)));
  if (!thread.valid()) {
    thread = UniqueHandle(::OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(tid)));
    if (!thread.valid()) return failure(::GetLastError());
  }
  ThreadBasicInformation info{};
  const LONG status = query(thread.get(), kThreadBasicInformation, &info, sizeof info, nullptr);
  if (status < 0) return alive() ? Error::permission : Error::process_gone;  // an NTSTATUS error
  return static_cast<std::uint64_t>(reinterpret_cast<std::uintptr_t>(info.teb_base_address));
}

// Snapshot order is creation order, so the main thread (the first one) comes first.
Result<std::vector<int>> WindowsProcess::threads() {
  std::vector<int> tids;
  const DWORD me = static_cast<DWORD>(pid_);
  if (!for_each_thread([&](const THREADENTRY32& t) {
        if (t.th32OwnerProcessID == me) tids.push_back(static_cast<int>(t.th32ThreadID));
        return true;
      }))
    return failure(::GetLastError());
  if (tids.empty() || !alive()) return Error::process_gone;
  return tids;
}

bool WindowsProcess::owns_thread(DWORD tid) const {
  bool found = false;
  const DWORD me = static_cast<DWORD>(pid_);
  for_each_thread([&](const THREADENTRY32& t) {
    found = t.th32ThreadID == tid && t.th32OwnerProcessID == me;
    return !found;
  });
  return found;
}

Result<std::string> WindowsProcess::thread_name(int tid) {
  if (tid <= 0 || !owns_thread(static_cast<DWORD>(tid)))
    return alive() ? Error::no_such_thread : Error::process_gone;
  const GetThreadDescriptionFn describe = get_thread_description();
  if (describe == nullptr) return std::string();
  UniqueHandle thread(::OpenThread(THREAD_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(tid)));
  if (!thread.valid()) return std::string();  // e.g. refused: a name is optional
  PWSTR text = nullptr;
  std::string name;
  if (SUCCEEDED(describe(thread.get(), &text)) && text != nullptr) name = utf8_from_wide(text);
  if (text != nullptr) ::LocalFree(text);
  return name;
}

// Nothing is known without stopping the thread: every register is marked invalid.
Result<x86_64::Registers> WindowsProcess::registers(int tid) {
  if (tid <= 0 || !owns_thread(static_cast<DWORD>(tid)))
    return alive() ? Error::no_such_thread : Error::process_gone;
  return x86_64::Registers{};
}

}  // namespace rspstub::platform::windows_backend
