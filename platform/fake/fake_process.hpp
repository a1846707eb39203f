// An in-memory Process for tests: regions, threads and files set up by the test, following the
// platform contract exactly as the Linux backend does (readable prefix, errors, gaps).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "platform/process.hpp"

namespace rspstub::platform::fake {

class FakeProcess final : public Process {
 public:
  explicit FakeProcess(int pid = 4242);

  // Maps [start, start + contents.size()). Regions must be non-empty, must not overlap and must
  // not reach past 2^64 - 1 (std::invalid_argument otherwise). Adjacent regions stay separate.
  void add_region(std::uint64_t start, std::vector<std::byte> contents, bool readable,
                  bool writable, bool executable, std::string name = {});
  // The first thread added is the main thread. A tid added twice: std::invalid_argument.
  void add_thread(int tid, std::string name, x86_64::Registers regs);
  void set_auxv(std::vector<std::byte> auxv);
  void set_executable_path(std::string path);
  void set_info(ProcessInfo info);
  // Makes the process list these modules (as a Windows backend does); until then it lists none
  // and answers not_supported, as the Linux backend does.
  void set_loaded_modules(std::vector<LoadedModule> modules);

  // The process exits: from now on every call fails with process_gone.
  void kill() noexcept { killed_ = true; }
  // The next `count` read_memory calls fail with `e`, reading nothing.
  void fail_next_reads(Error e, int count) noexcept;

  // The current bytes at [addr, addr + n), whatever the protections (std::out_of_range if any
  // byte is unmapped). For tests' checks.
  std::vector<std::byte> contents(std::uint64_t addr, std::size_t n) const;
  std::size_t read_calls() const noexcept { return read_calls_; }
  // Reads whose destination sat 0-63 bytes past their source modulo 4 KiB, where a real kernel
  // copy slows down (protocol/copy_placement.hpp): the stub should place its buffers so that
  // this stays 0.
  std::size_t aliased_reads() const noexcept { return aliased_reads_; }
  std::size_t write_calls() const noexcept { return write_calls_; }

  int pid() const noexcept override { return pid_; }
  bool alive() const noexcept override { return !killed_; }
  ReadResult read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept override;
  WriteResult write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept override;
  Result<MemoryRegion> region_at(std::uint64_t addr) override;
  Result<std::vector<int>> threads() override;
  Result<std::string> thread_name(int tid) override;
  Result<x86_64::Registers> registers(int tid) override;
  // auxv() and executable_path() fail with not_supported until set.
  Result<std::vector<std::byte>> auxv() override;
  Result<std::string> executable_path() override;
  Result<ProcessInfo> info() override;
  bool lists_loaded_modules() const noexcept override { return modules_.has_value(); }
  Result<std::vector<LoadedModule>> loaded_modules() override;

 private:
  struct Region {
    std::uint64_t end;  // exclusive; never 0 (regions stop below 2^64)
    std::vector<std::byte> bytes;
    bool readable, writable, executable;
    std::string name;
  };
  struct Thread {
    int tid;
    std::string name;
    x86_64::Registers regs;
  };
  using RegionMap = std::map<std::uint64_t, Region>;  // by start address

  // The region holding addr, or end().
  RegionMap::iterator find(std::uint64_t addr) noexcept;
  RegionMap::const_iterator find(std::uint64_t addr) const noexcept;
  const Thread* thread(int tid) const noexcept;
  // Why nothing could be accessed at addr (see the .cpp).
  Error refusal_at(std::uint64_t addr, bool for_write) const noexcept;

  int pid_;
  RegionMap regions_;
  std::vector<Thread> threads_;  // in the order added; the first is the main thread
  std::optional<std::vector<std::byte>> auxv_;
  std::optional<std::string> executable_path_;
  std::optional<std::vector<LoadedModule>> modules_;
  ProcessInfo info_;
  // An atomic that copies as its value: the fake is copied (the fuzzer keeps set-up prototypes).
  template <class T>
  class CopyableAtomic : public std::atomic<T> {
   public:
    CopyableAtomic(T v = T{}) noexcept : std::atomic<T>(v) {}  // NOLINT: converts like T
    CopyableAtomic(const CopyableAtomic& o) noexcept : std::atomic<T>(o.load()) {}
    CopyableAtomic& operator=(const CopyableAtomic& o) noexcept {
      this->store(o.load());
      return *this;
    }
    using std::atomic<T>::operator=;
  };
  // Atomic: a read ahead (stub/read_ahead.hpp) may be reading on another thread when a test
  // kills the process or counts its reads.
  CopyableAtomic<bool> killed_{false};
  Error fail_error_ = Error::none;
  int fail_count_ = 0;
  CopyableAtomic<std::size_t> read_calls_{0};
  CopyableAtomic<std::size_t> aliased_reads_{0};
  std::size_t write_calls_ = 0;
};

}  // namespace rspstub::platform::fake
