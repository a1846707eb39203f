// ntdll exports that mingw's import libraries lack (or that only some systems have), looked up
// at run time.
#pragma once

#include <windows.h>

namespace rspstub::platform::windows_backend {

// The export `name` of ntdll.dll as a `Fn`, or nullptr when this system has none.
template <class Fn>
Fn ntdll_function(const char* name) noexcept {
  HMODULE ntdll = ::GetModuleHandleW(L"ntdll.dll");
  FARPROC p = ntdll != nullptr ? ::GetProcAddress(ntdll, name) : nullptr;
  // GetProcAddress returns a generic function pointer; `Fn` is the export's real type.
  return reinterpret_cast<Fn>(reinterpret_cast<void*>(p));
}

}  // namespace rspstub::platform::windows_backend
