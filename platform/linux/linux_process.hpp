// The Linux backend in inspection mode: reads a running process through process_vm_readv and
// /proc/PID/*, never stopping or ptrace-attaching it (see design/protocol-notes.md,
// "How the reference servers read Linux memory").
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "platform/linux/unique_fd.hpp"
#include "platform/process.hpp"

namespace rspstub::platform::linux_backend {

class LinuxProcess final : public Process {
 public:
  // Counts of memory syscalls issued, for tests and benchmarks.
  struct MemoryStats {
    std::size_t vm_readv_calls = 0;
    std::size_t proc_mem_reads = 0;  // preads on /proc/PID/mem
  };

  // Checks the process exists and opens /proc/PID/mem for reading, kept for the object's life.
  // Fails with process_gone (no such process, or a zombie), permission (EACCES/EPERM), or
  // invalid_argument (pid <= 0, or the id of a thread other than a process's main thread).
  static Result<std::unique_ptr<LinuxProcess>> attach(int pid);

  int pid() const noexcept override { return pid_; }
  bool alive() const noexcept override;
  ReadResult read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept override;
  WriteResult write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept override;
  Result<MemoryRegion> region_at(std::uint64_t addr) override;
  Result<std::vector<int>> threads() override;
  Result<std::string> thread_name(int tid) override;
  Result<x86_64::Registers> registers(int tid) override;
  Result<std::vector<std::byte>> auxv() override;
  Result<std::string> executable_path() override;
  Result<ProcessInfo> info() override;

  // Read only through /proc/PID/mem, as happens by itself once process_vm_readv is refused
  // (ENOSYS, or EPERM from a container's seccomp profile). For tests.
  void set_force_proc_mem(bool on) noexcept { proc_mem_only_ = on; }
  bool proc_mem_only() const noexcept { return proc_mem_only_; }
  const MemoryStats& memory_stats() const noexcept { return stats_; }

 private:
  LinuxProcess(int pid, UniqueFd mem_fd) noexcept;

  std::string proc_path(std::string_view rest) const;
  // The error for a failure with errno `err`: process_gone if the process has gone.
  Error failure(int err) const noexcept;
  // The error for a missing per-thread file: process_gone, or no_such_thread.
  Error thread_failure(int err) const noexcept;
  // pread/pwrite loops on /proc/PID/mem from `done` on; return the new `done`, set `err`.
  std::size_t read_proc_mem(std::uint64_t addr, std::span<std::byte> out, std::size_t done,
                            int& err) noexcept;

  int pid_;
  UniqueFd mem_fd_;     // /proc/PID/mem, read-only
  UniqueFd mem_rw_fd_;  // /proc/PID/mem, read-write: opened on the first write
  bool proc_mem_only_ = false;
  MemoryStats stats_;
};

}  // namespace rspstub::platform::linux_backend
