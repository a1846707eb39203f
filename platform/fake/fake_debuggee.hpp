// A scripted Debuggee for session tests. It wraps a FakeProcess (memory, threads, files set up by
// the test) and adds all-stop process control driven by the test:
//   - queue_event() lines up the stop (or exit) that the next resume() leads to; poll_event()
//     hands it out once the process was resumed. With nothing queued, a resumed process runs
//     until interrupt(), whose stop (reason interrupt, SIGINT) poll_event() then reports.
//   - every resume action, breakpoint, register write, pass-signal set, detach and kill is
//     recorded for the test to check.
// Software breakpoints follow the Debuggee contract: read_memory shows the original bytes;
// raw_contents() shows memory as the CPU would see it (0xcc at each breakpoint); a write over a
// breakpoint changes the original bytes and leaves the int3 in place.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <vector>

#include "platform/debuggee.hpp"
#include "platform/fake/fake_process.hpp"

namespace rspstub::platform::fake {

class FakeDebuggee final : public Debuggee {
 public:
  explicit FakeDebuggee(int pid = 4242);
  ~FakeDebuggee() override;

  // Called as the object is destroyed, so a test can still learn how it ended (killed,
  // detached) after its owner (a Target) let go of it.
  void set_on_destroy(std::function<void(const FakeDebuggee&)> f) { on_destroy_ = std::move(f); }

  // Set-up and inspection by the test.
  FakeProcess& process() noexcept { return process_; }
  void queue_event(const StopEvent& event) { script_.push_back(event); }
  // Sets a thread's program counter (as a breakpoint or step would leave it).
  void set_pc(int tid, std::uint64_t pc);
  // Memory as the CPU sees it: original bytes with 0xcc over each software breakpoint.
  std::vector<std::byte> raw_contents(std::uint64_t addr, std::size_t n) const;
  bool running() const noexcept { return running_; }
  // The process exits by itself while running; poll_event() reports exited(code).
  void exit_now(int code);

  struct Breakpoint {
    BreakpointType type;
    std::uint64_t addr;
    std::uint32_t length;
    bool operator==(const Breakpoint&) const = default;
  };
  const std::vector<std::vector<ResumeAction>>& resumes() const noexcept { return resumes_; }
  const std::vector<Breakpoint>& breakpoints() const noexcept { return breakpoints_; }
  const std::vector<int>& pass_signals() const noexcept { return pass_signals_; }
  int interrupts() const noexcept { return interrupts_; }
  std::optional<int> detached_with() const noexcept { return detached_with_; }
  bool killed() const noexcept { return killed_; }
  int register_writes() const noexcept { return register_writes_; }

  // Process
  int pid() const noexcept override { return process_.pid(); }
  bool alive() const noexcept override { return !gone_ && process_.alive(); }
  ReadResult read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept override;
  WriteResult write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept override;
  Result<MemoryRegion> region_at(std::uint64_t addr) override;
  Result<std::vector<int>> threads() override;
  Result<std::string> thread_name(int tid) override;
  Result<x86_64::Registers> registers(int tid) override;
  Result<std::vector<std::byte>> auxv() override;
  Result<std::string> executable_path() override;
  Result<ProcessInfo> info() override;
  bool lists_loaded_modules() const noexcept override { return process_.lists_loaded_modules(); }
  Result<std::vector<LoadedModule>> loaded_modules() override;

  // Debuggee
  bool stopped() const noexcept override { return alive() && !running_; }
  Error resume(std::span<const ResumeAction> actions) override;
  Error interrupt() override;
  std::optional<StopEvent> poll_event() override;
  Error write_registers(int tid, const x86_64::Registers& regs) override;
  Error insert_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) override;
  Error remove_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) override;
  Error remove_all_breakpoints() override;
  unsigned hardware_watchpoint_slots() const noexcept override { return 4; }
  Result<std::vector<std::byte>> siginfo(int tid) override;
  void set_pass_signals(std::span<const int> signals) override;
  Error detach(int signal = 0) override;
  Error kill() override;

 private:
  std::function<void(const FakeDebuggee&)> on_destroy_;
  bool has_thread(int tid);
  Error gone_error() const noexcept { return Error::process_gone; }

  FakeProcess process_;
  std::map<int, x86_64::Registers> written_;  // registers changed by write_registers/set_pc
  std::deque<StopEvent> script_;
  std::optional<StopEvent> in_flight_;  // what poll_event() reports next
  std::optional<StopEvent> last_stop_;
  bool running_ = false;
  bool gone_ = false;
  std::vector<std::vector<ResumeAction>> resumes_;
  std::vector<Breakpoint> breakpoints_;
  std::vector<int> pass_signals_;
  int interrupts_ = 0;
  std::optional<int> detached_with_;
  bool killed_ = false;
  int register_writes_ = 0;
};

}  // namespace rspstub::platform::fake
