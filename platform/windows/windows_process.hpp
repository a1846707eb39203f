// The Windows backend in inspection mode: reads a running process through a process handle
// (OpenProcess, ReadProcessMemory, VirtualQueryEx, Toolhelp snapshots), never stopping,
// suspending or debugging it.
#pragma once

#include <windows.h>

#include <cstdint>
#include <memory>
#include <string>

#include "platform/process.hpp"
#include "platform/windows/unique_handle.hpp"

namespace rspstub::platform::windows_backend {

class WindowsProcess final : public Process {
 public:
  // Opens the process with read/query rights, plus write rights when granted. Fails with
  // invalid_argument (pid <= 0), process_gone (no such process, or it has exited), permission
  // (the handle is refused), not_supported (a 32-bit process: the registers would be wrong).
  static Result<std::unique_ptr<WindowsProcess>> attach(int pid);

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
  // The TEB, from NtQueryInformationThread(ThreadBasicInformation).
  Result<std::uint64_t> thread_information_block(int tid) override;
  // The DLLs, from a Toolhelp module snapshot (windows_modules.cpp).
  bool lists_loaded_modules() const noexcept override { return true; }
  Result<std::vector<LoadedModule>> loaded_modules() override;

  // Whether the handle carries PROCESS_VM_WRITE | PROCESS_VM_OPERATION.
  bool can_write() const noexcept { return can_write_; }

 private:
  WindowsProcess(int pid, UniqueHandle handle, bool can_write) noexcept;

  // The error for a failed call whose GetLastError() was `code`: process_gone once the process
  // has exited, else the mapped code.
  Error failure(DWORD code) const noexcept;
  // VirtualQueryEx at addr; false past the highest application address or on failure.
  bool query(std::uint64_t addr, MEMORY_BASIC_INFORMATION& m) const noexcept;
  // The name of the module whose image holds the allocation at `allocation_base`, or "".
  std::string module_name(std::uint64_t allocation_base) const;
  bool owns_thread(DWORD tid) const;

  int pid_;
  UniqueHandle handle_;
  bool can_write_;
};

}  // namespace rspstub::platform::windows_backend
