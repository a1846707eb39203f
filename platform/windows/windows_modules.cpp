// WindowsProcess::loaded_modules: the DLLs of a process from a Toolhelp module snapshot (which
// both Windows and wine build from the process's own loader list, so it is right at the loader's
// first breakpoint and after every LOAD_DLL/UNLOAD_DLL event, with no event bookkeeping here).
#include <windows.h>

#include <tlhelp32.h>
#include <wchar.h>

#include "platform/windows/toolhelp.hpp"
#include "platform/windows/wide_text.hpp"
#include "platform/windows/windows_process.hpp"

namespace rspstub::platform::windows_backend {

namespace {

bool ends_with_exe(const wchar_t* path) {
  const std::size_t n = ::wcslen(path);
  return n >= 4 && ::_wcsicmp(path + n - 4, L".exe") == 0;
}

}  // namespace

Result<std::vector<LoadedModule>> WindowsProcess::loaded_modules() {
  // The executable is not a library: gdb (like gdbserver.exe's list) knows it from the file.
  // It is the module whose path is the process image's; when the two spellings differ, the
  // loader's first entry, which is always the executable.
  std::wstring image(32768, L'\0');
  DWORD size = static_cast<DWORD>(image.size());
  if (!::QueryFullProcessImageNameW(handle_.get(), 0, image.data(), &size)) size = 0;
  image.resize(size);

  std::vector<LoadedModule> modules;
  bool first = true;
  const bool listed = for_each_module(static_cast<DWORD>(pid_), [&](const MODULEENTRY32W& m) {
    const bool is_image = (!image.empty() && ::_wcsicmp(m.szExePath, image.c_str()) == 0) ||
                          (first && ends_with_exe(m.szExePath));
    first = false;
    if (!is_image)
      modules.push_back(LoadedModule{utf8_from_wide(m.szExePath),
                                     reinterpret_cast<std::uintptr_t>(m.modBaseAddr)});
    return true;
  });
  if (!listed) return failure(::GetLastError());
  return modules;
}

}  // namespace rspstub::platform::windows_backend
