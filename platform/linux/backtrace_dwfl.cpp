#include "platform/linux/backtrace_dwfl.hpp"

#include <cxxabi.h>
#include <elfutils/libdwfl.h>

#include <cerrno>
#include <cstdlib>
#include <memory>
#include <string>

#include "platform/backtrace.hpp"
#include "platform/linux/proc_liveness.hpp"

namespace rspstub::platform {
namespace linux_backend {

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  if (name[0] != '_' || name[1] != 'Z') return name;
  int status = 0;
  std::unique_ptr<char, decltype(&std::free)> out(abi::__cxa_demangle(name, nullptr, nullptr, &status),
                                                  &std::free);
  return status == 0 && out ? std::string(out.get()) : std::string(name);
}

namespace {

// Debug info next to the binary, in /usr/lib/debug (build-id), or named by .gnu_debuglink.
char* g_debuginfo_path = nullptr;
const Dwfl_Callbacks kCallbacks = {
    dwfl_linux_proc_find_elf,
    dwfl_standard_find_debuginfo,
    nullptr,  // section_address: only for relocatable (kernel module) files
    &g_debuginfo_path,
};

struct DwflDeleter {
  void operator()(Dwfl* d) const noexcept { dwfl_end(d); }
};

struct Walk {
  Dwfl* dwfl;
  ThreadBacktrace* out;
  static constexpr std::size_t kMaxFrames = 256;  // a corrupt stack must not loop forever
};

BacktraceFrame describe(Dwfl* dwfl, Dwarf_Addr pc, bool is_activation) {
  BacktraceFrame f;
  f.pc = pc;
  // A return address points after the call: look up the call itself.
  const Dwarf_Addr at = is_activation || pc == 0 ? pc : pc - 1;
  Dwfl_Module* mod = dwfl_addrmodule(dwfl, at);
  if (mod == nullptr) return f;
  const char* mainfile = nullptr;
  const char* modname = dwfl_module_info(mod, nullptr, nullptr, nullptr, nullptr, nullptr,
                                         &mainfile, nullptr);
  f.module = mainfile ? mainfile : modname ? modname : "";
  GElf_Off offset = 0;
  GElf_Sym sym;
  if (const char* name = dwfl_module_addrinfo(mod, at, &offset, &sym, nullptr, nullptr, nullptr)) {
    f.function = demangle(name);
    f.offset = offset;
  }
  if (Dwfl_Line* line = dwfl_module_getsrc(mod, at)) {
    int lineno = 0;
    if (const char* file = dwfl_lineinfo(line, nullptr, &lineno, nullptr, nullptr, nullptr)) {
      f.file = file;
      f.line = lineno;
    }
  }
  return f;
}

int on_frame(Dwfl_Frame* frame, void* arg) {
  auto* walk = static_cast<Walk*>(arg);
  Dwarf_Addr pc = 0;
  bool is_activation = false;
  if (!dwfl_frame_pc(frame, &pc, &is_activation)) {
    walk->out->error = dwfl_errmsg(-1);
    return DWARF_CB_ABORT;
  }
  walk->out->frames.push_back(describe(walk->dwfl, pc, is_activation));
  return walk->out->frames.size() >= Walk::kMaxFrames ? DWARF_CB_ABORT : DWARF_CB_OK;
}

}  // namespace
}  // namespace linux_backend

Result<std::vector<ThreadBacktrace>> backtrace_all_threads(int pid, std::span<const int> tids) {
  using namespace linux_backend;
  if (pid <= 0) return Error::invalid_argument;
  if (!process_exists(pid)) return Error::process_gone;
  std::unique_ptr<Dwfl, DwflDeleter> dwfl(dwfl_begin(&kCallbacks));
  if (!dwfl) return Error::io_error;
  dwfl_report_begin(dwfl.get());
  const int reported = dwfl_linux_proc_report(dwfl.get(), pid);
  if (dwfl_report_end(dwfl.get(), nullptr, nullptr) != 0) return Error::io_error;
  if (reported != 0) return reported == ENOENT || reported == ESRCH ? Error::process_gone
                                                                    : Error::io_error;
  // The threads are ours and ptrace-stopped: dwfl reads their registers and memory with ptrace
  // and must neither attach nor detach them.
  if (const int err = dwfl_linux_proc_attach(dwfl.get(), pid, true); err != 0)
    return err == EPERM ? Error::permission : err == ESRCH ? Error::process_gone : Error::io_error;

  std::vector<ThreadBacktrace> all;
  all.reserve(tids.size());
  for (const int tid : tids) {
    ThreadBacktrace t;
    t.tid = tid;
    Walk walk{dwfl.get(), &t};
    const int r = dwfl_getthread_frames(dwfl.get(), tid, on_frame, &walk);
    // -1: unwinding ended without reaching a known outermost frame (common at the bottom of a
    // stack without CFI); keep what was found and say why.
    if (r == -1 && t.error.empty()) {
      const int e = dwfl_errno();
      if (t.frames.empty() || e != 0) t.error = dwfl_errmsg(e);
    }
    all.push_back(std::move(t));
  }
  return all;
}

}  // namespace rspstub::platform
