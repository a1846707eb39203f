// attach_and_stop(): seize every thread of a running process and stop them all.
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <string>
#include <vector>

#include "platform/debuggee.hpp"
#include "platform/linux/debuggee_linux.hpp"
#include "platform/linux/errno_map.hpp"
#include "platform/linux/proc_file.hpp"
#include "platform/linux/proc_liveness.hpp"

namespace rspstub::platform {
namespace {

using linux_backend::LinuxDebuggee;

std::vector<int> task_ids(int pid) {
  std::vector<std::string> names;
  std::vector<int> tids;
  if (linux_backend::list_directory("/proc/" + std::to_string(pid) + "/task", names) != 0)
    return tids;
  for (const std::string& name : names) {
    int tid = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (ec == std::errc{} && end == name.data() + name.size()) tids.push_back(tid);
  }
  return tids;
}

void let_go(const std::vector<int>& tids) {
  for (int tid : tids) ::ptrace(PTRACE_DETACH, tid, nullptr, nullptr);
}

}  // namespace

Result<std::unique_ptr<Debuggee>> attach_and_stop(int pid) {
  if (pid <= 0) return Error::invalid_argument;
  if (pid == ::getpid()) return Error::invalid_argument;
  if (!linux_backend::process_exists(pid)) return Error::process_gone;
  const long options = linux_backend::trace_options(LinuxDebuggee::Origin::attached);

  // Seize every thread, again and again until a pass finds no new one (threads may be created
  // while we go; those created by a thread already seized are seized by the kernel, and show up
  // to us with their first stop).
  std::vector<int> seized;
  for (bool found_new = true; found_new;) {
    found_new = false;
    for (int tid : task_ids(pid)) {
      if (std::find(seized.begin(), seized.end(), tid) != seized.end()) continue;
      if (::ptrace(PTRACE_SEIZE, tid, nullptr, reinterpret_cast<void*>(options)) != 0) {
        const int err = errno;
        if (tid == pid) {
          let_go(seized);
          return err == ESRCH ? Error::process_gone : linux_backend::error_from_errno(err);
        }
        // ESRCH: it exited meanwhile. EPERM on a later thread: the kernel already attached it
        // for us (a clone of a seized thread); its stop is awaited like the others.
        if (err != EPERM) continue;
      }
      seized.push_back(tid);
      found_new = true;
    }
  }
  if (seized.empty() || seized.front() != pid) {
    // /proc did not list the leader first: keep pid first for LinuxDebuggee's sake.
    std::stable_partition(seized.begin(), seized.end(), [pid](int t) { return t == pid; });
  }
  for (int tid : seized) ::ptrace(PTRACE_INTERRUPT, tid, nullptr, nullptr);

  auto d = LinuxDebuggee::adopt(pid, LinuxDebuggee::Origin::attached, {});
  if (!d) {
    let_go(seized);
    return d.error();
  }
  if (Error e = (*d)->adopt_running(seized); e != Error::none) return e;
  return std::unique_ptr<Debuggee>(std::move(*d));
}

}  // namespace rspstub::platform
