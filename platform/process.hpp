// The one narrow interface through which the stub reaches an operating system's process.
// Backends: linux/ (ptrace-free inspection today), fake/ (in memory, for tests); windows/ and
// fuchsia/ later. Nothing here knows the protocol.
//
// Threading: a Process is used from one thread only (the stub's event loop).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "platform/result.hpp"
#include "platform/x86_64_registers.hpp"

namespace rspstub::platform {

// Memory-read contract (all backends):
//   bytes > 0  -> success; the first `bytes` bytes of `out` hold target memory. A short count
//                 means the read ran into memory that cannot be read: this is the readable prefix.
//   bytes == 0 -> failure; `error` says why. Never a zero-filled buffer passed off as data.
struct ReadResult {
  std::size_t bytes = 0;
  Error error = Error::none;
};

// Write contract: as for reads (bytes written, or 0 with an error).
using WriteResult = ReadResult;

// One mapping of the address space, or the gap before the next mapping (mapped == false).
// [start, end) with end > start; a gap past the last mapping ends at 2^64 - 1 (end = 0 means
// "to the top of the address space").
struct MemoryRegion {
  std::uint64_t start = 0;
  std::uint64_t end = 0;
  bool mapped = false;
  bool readable = false;
  bool writable = false;
  bool executable = false;
  std::string name;  // file path or [heap]/[stack]/...; empty for anonymous memory and gaps
};

// A module (Windows: a DLL) loaded into the process, as the OS's loader lists it.
struct LoadedModule {
  std::string name;        // full path as the OS spells it (Windows: C:\windows\system32\...)
  std::uint64_t base = 0;  // load address of the image (its headers)
};

struct ProcessInfo {
  int pid = 0;
  int parent_pid = 0;
  std::uint32_t real_uid = 0, real_gid = 0, effective_uid = 0, effective_gid = 0;
  std::string name;  // short command name (comm)
};

class Process {
 public:
  virtual ~Process() = default;

  virtual int pid() const noexcept = 0;

  // False once the process has exited (a zombie counts as exited). Cheap; no allocation.
  virtual bool alive() const noexcept = 0;

  // Reads target memory at [addr, addr + out.size()) straight into `out` (see ReadResult).
  // Must not allocate: this is the hot path.
  virtual ReadResult read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept = 0;

  // Writes target memory. Backends that cannot (or a mode that must not) return not_supported.
  virtual WriteResult write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept = 0;

  // The region containing addr, or the unmapped gap that contains it.
  virtual Result<MemoryRegion> region_at(std::uint64_t addr) = 0;

  // Thread ids, the main thread (== pid on Linux) first.
  virtual Result<std::vector<int>> threads() = 0;
  virtual Result<std::string> thread_name(int tid) = 0;

  // What is known of a thread's registers without stopping it (see x86_64::Registers).
  virtual Result<x86_64::Registers> registers(int tid) = 0;

  // The raw auxiliary vector (Linux /proc/PID/auxv), as the target holds it.
  virtual Result<std::vector<std::byte>> auxv() = 0;

  // Absolute path of the executable the process runs.
  virtual Result<std::string> executable_path() = 0;

  virtual Result<ProcessInfo> info() = 0;

  // The address of a thread's information block (Windows: the TEB, which gdb asks for with
  // qGetTIBAddr to find the thread's stack limits and SEH chain). Backends without such a block
  // answer not_supported (the default).
  virtual Result<std::uint64_t> thread_information_block(int tid) {
    (void)tid;
    return Error::not_supported;
  }

  // The DLLs the process has loaded, in load order, without the executable itself (gdb knows it
  // already). Only backends whose debuggers learn libraries this way (Windows: gdb's
  // qXfer:libraries) list them; the others answer not_supported (the default) and say false in
  // lists_loaded_modules(), so the stub neither advertises nor serves such a list.
  virtual bool lists_loaded_modules() const noexcept { return false; }
  virtual Result<std::vector<LoadedModule>> loaded_modules() { return Error::not_supported; }
};

// Attaches to a running process for inspection only: the process is never stopped or traced.
// Fails with permission (ptrace access refused), process_gone (no such process), ...
Result<std::unique_ptr<Process>> attach_for_inspection(int pid);

}  // namespace rspstub::platform
