// LinuxProcess: attaching, and everything but memory access (see linux_memory.cpp), from the
// files of /proc/PID.
#include "platform/linux/linux_process.hpp"

#include <fcntl.h>
#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <thread>

#include "platform/linux/errno_map.hpp"
#include "platform/linux/proc_file.hpp"
#include "platform/linux/proc_liveness.hpp"
#include "platform/linux/proc_maps.hpp"
#include "platform/linux/proc_status.hpp"
#include "platform/linux/proc_syscall.hpp"
#include "platform/linux/region_lookup.hpp"

namespace rspstub::platform {

Result<std::unique_ptr<Process>> attach_for_inspection(int pid) {
  auto p = linux_backend::LinuxProcess::attach(pid);
  if (!p) return p.error();
  return std::unique_ptr<Process>(std::move(*p));
}

}  // namespace rspstub::platform

namespace rspstub::platform::linux_backend {
namespace {

std::string without_trailing_newline(std::string s) {
  if (!s.empty() && s.back() == '\n') s.pop_back();
  return s;
}

}  // namespace

LinuxProcess::LinuxProcess(int pid, UniqueFd mem_fd) noexcept
    : pid_(pid), mem_fd_(std::move(mem_fd)) {}

Result<std::unique_ptr<LinuxProcess>> LinuxProcess::attach(int pid) {
  if (pid <= 0) return Error::invalid_argument;  // kill(0 or -n, ...) would mean a group
  if (::kill(pid, 0) != 0 && errno == ESRCH) return Error::process_gone;
  // Opening /proc/PID/mem is where the kernel checks ptrace access (same user or
  // CAP_SYS_PTRACE, Yama): a refusal here is the answer to "may we read it".
  const std::string path = "/proc/" + std::to_string(pid) + "/mem";
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    const int err = errno;
    return process_exists(pid) ? error_from_errno(err) : Error::process_gone;
  }
  // A zombie still has a pid, but no memory left to inspect.
  if (!process_exists(pid)) return Error::process_gone;
  // /proc also answers for a thread id that is not a process's: refuse it, or threads() would
  // not start with the pid.
  std::string status;
  if (int err = read_whole_file("/proc/" + std::to_string(pid) + "/status", status); err != 0)
    return process_exists(pid) ? error_from_errno(err) : Error::process_gone;
  const auto fields = parse_status(status);
  if (!fields) return Error::io_error;
  if (fields->tgid != pid) return Error::invalid_argument;
  return std::unique_ptr<LinuxProcess>(new LinuxProcess(pid, std::move(fd)));
}

std::string LinuxProcess::proc_path(std::string_view rest) const {
  std::string path = "/proc/" + std::to_string(pid_) + "/";
  path += rest;
  return path;
}

Error LinuxProcess::failure(int err) const noexcept {
  if (err == ESRCH || !process_exists(pid_)) return Error::process_gone;
  return error_from_errno(err);
}

Error LinuxProcess::thread_failure(int err) const noexcept {
  if (!process_exists(pid_)) return Error::process_gone;
  return err == ENOENT || err == ESRCH ? Error::no_such_thread : error_from_errno(err);
}

bool LinuxProcess::alive() const noexcept { return process_exists(pid_); }

Result<MemoryRegion> LinuxProcess::region_at(std::uint64_t addr) {
  std::string text;
  if (int err = read_whole_file(proc_path("maps"), text); err != 0) return failure(err);
  auto regions = parse_maps(text);
  if (!regions) return Error::io_error;
  // A process that has exited reads as an empty file.
  if (regions->empty() && !process_exists(pid_)) return Error::process_gone;
  return region_containing(*regions, addr);
}

Result<std::vector<int>> LinuxProcess::threads() {
  std::vector<std::string> names;
  if (int err = list_directory(proc_path("task"), names); err != 0) return failure(err);
  std::vector<int> tids;
  tids.reserve(names.size());
  for (const std::string& name : names) {
    int tid = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (ec == std::errc{} && end == name.data() + name.size()) tids.push_back(tid);
  }
  // The main thread (tid == pid) first, the others in ascending order.
  std::sort(tids.begin(), tids.end(), [this](int a, int b) {
    return (a == pid_) != (b == pid_) ? a == pid_ : a < b;
  });
  // A zombie still lists its main thread: it has exited all the same.
  if (tids.empty() || !process_exists(pid_)) return Error::process_gone;
  return tids;
}

Result<std::string> LinuxProcess::thread_name(int tid) {
  if (tid <= 0) return Error::no_such_thread;
  std::string text;
  if (int err = read_whole_file(proc_path("task/" + std::to_string(tid) + "/comm"), text); err)
    return thread_failure(err);
  return without_trailing_newline(std::move(text));
}

Result<x86_64::Registers> LinuxProcess::registers(int tid) {
  if (tid <= 0) return Error::no_such_thread;
  if (!process_exists(pid_)) return Error::process_gone;  // a zombie's syscall file reads 0s
  const std::string path = proc_path("task/" + std::to_string(tid) + "/syscall");
  // A thread that is on a CPU shows "running"; it is often about to block again, so look a few
  // times before giving up on knowing its PC.
  constexpr int kTries = 5;
  std::string text;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    if (int err = read_whole_file(path, text); err != 0) return thread_failure(err);
    auto state = parse_syscall_file(text);
    if (!state) return Error::io_error;
    if (state->kind != SyscallState::Kind::running) return registers_from(*state);
  }
  return x86_64::Registers{};
}

Result<std::vector<std::byte>> LinuxProcess::auxv() {
  std::string text;
  if (int err = read_whole_file(proc_path("auxv"), text); err != 0) return failure(err);
  if (text.empty() && !process_exists(pid_)) return Error::process_gone;
  const auto* begin = reinterpret_cast<const std::byte*>(text.data());
  return std::vector<std::byte>(begin, begin + text.size());
}

Result<std::string> LinuxProcess::executable_path() {
  std::string path;
  if (int err = read_link(proc_path("exe"), path); err != 0) return failure(err);
  return path;
}

Result<ProcessInfo> LinuxProcess::info() {
  std::string text;
  if (int err = read_whole_file(proc_path("status"), text); err != 0) return failure(err);
  const auto fields = parse_status(text);
  if (!fields) return Error::io_error;
  std::string comm;
  if (int err = read_whole_file(proc_path("comm"), comm); err != 0) return failure(err);
  ProcessInfo info;
  info.pid = pid_;
  info.parent_pid = fields->parent_pid;
  info.real_uid = fields->real_uid;
  info.effective_uid = fields->effective_uid;
  info.real_gid = fields->real_gid;
  info.effective_gid = fields->effective_gid;
  info.name = without_trailing_newline(std::move(comm));
  return info;
}

}  // namespace rspstub::platform::linux_backend
