// host_info() on Windows: RtlGetVersion (GetVersionEx answers what the program's manifest
// claims, not the real version) and the DNS host name.
#include <windows.h>

#include <string>

#include "platform/host.hpp"
#include "platform/windows/ntdll.hpp"
#include "platform/windows/wide_text.hpp"

namespace rspstub::platform {

namespace {

using windows_backend::ntdll_function;

using RtlGetVersionFn = LONG(WINAPI*)(OSVERSIONINFOW*);
using WineGetVersionFn = const char*(CDECL*)();

std::string host_name() {
  wchar_t buf[256];
  DWORD size = sizeof buf / sizeof buf[0];
  if (!::GetComputerNameExW(ComputerNameDnsHostname, buf, &size)) return {};
  return windows_backend::utf8_from_wide(std::wstring_view(buf, size));
}

}  // namespace

HostInfo host_info() {
  HostInfo h;
  // The stub is built with mingw-w64 (the GNU ABI); lldb needs only the arch and the OS from it.
  h.triple = "x86_64-pc-windows-gnu";
  h.pointer_size = 8;
  h.os_type = "windows";
  h.gdb_osabi = "Windows";  // gdb's name for the Windows (PE, Win64 ABI) OS ABI
  h.lists_loaded_modules = true;
  h.hostname = host_name();
  OSVERSIONINFOW v{};
  v.dwOSVersionInfoSize = sizeof v;
  if (auto get = ntdll_function<RtlGetVersionFn>("RtlGetVersion"); get != nullptr && get(&v) == 0) {
    h.os_version = std::to_string(v.dwMajorVersion) + "." + std::to_string(v.dwMinorVersion) +
                   "." + std::to_string(v.dwBuildNumber);
    h.os_build = std::to_string(v.dwBuildNumber);
    h.os_kernel = "Windows NT " + h.os_version;
  }
  // Under wine, say so: what works and what does not differs from Windows (see the README).
  if (auto wine = ntdll_function<WineGetVersionFn>("wine_get_version"); wine != nullptr)
    h.os_kernel += std::string(h.os_kernel.empty() ? "" : " ") + "(wine " + wine() + ")";
  return h;
}

}  // namespace rspstub::platform
