// Walks Toolhelp32 snapshots (processes, threads, one process's modules). Each callback returns
// true to go on, false to stop. The functions return false when no snapshot could be taken
// (GetLastError() says why).
#pragma once

#include <windows.h>

#include <tlhelp32.h>

#include "platform/windows/unique_handle.hpp"

namespace rspstub::platform::windows_backend {

template <class Fn>
bool for_each_process(Fn&& fn) {
  UniqueHandle snap(::CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0));
  if (!snap.valid()) return false;
  PROCESSENTRY32W e{};
  e.dwSize = sizeof e;
  for (BOOL more = ::Process32FirstW(snap.get(), &e); more; more = ::Process32NextW(snap.get(), &e))
    if (!fn(static_cast<const PROCESSENTRY32W&>(e))) break;
  return true;
}

// Every thread of the system (a thread snapshot cannot be limited to one process).
template <class Fn>
bool for_each_thread(Fn&& fn) {
  UniqueHandle snap(::CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0));
  if (!snap.valid()) return false;
  THREADENTRY32 e{};
  e.dwSize = sizeof e;
  for (BOOL more = ::Thread32First(snap.get(), &e); more; more = ::Thread32Next(snap.get(), &e))
    if (!fn(static_cast<const THREADENTRY32&>(e))) break;
  return true;
}

template <class Fn>
bool for_each_module(DWORD pid, Fn&& fn) {
  HANDLE h = INVALID_HANDLE_VALUE;
  // ERROR_BAD_LENGTH: the module list changed while the snapshot was taken; try again.
  for (int attempt = 0; attempt < 4; ++attempt) {
    h = ::CreateToolhelp32Snapshot(TH32CS_SNAPMODULE, pid);
    if (h != INVALID_HANDLE_VALUE || ::GetLastError() != ERROR_BAD_LENGTH) break;
  }
  UniqueHandle snap(h);
  if (!snap.valid()) return false;
  MODULEENTRY32W e{};
  e.dwSize = sizeof e;
  for (BOOL more = ::Module32FirstW(snap.get(), &e); more; more = ::Module32NextW(snap.get(), &e))
    if (!fn(static_cast<const MODULEENTRY32W&>(e))) break;
  return true;
}

}  // namespace rspstub::platform::windows_backend
