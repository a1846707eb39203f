// The Linux x86-64 Debuggee: a process traced with ptrace (PTRACE_SEIZE), kept in all-stop.
// Memory, regions, names, auxv and info come from an inner LinuxProcess; reads are patched so
// our int3 bytes never show. See platform/debuggee.hpp for the contract.
//
// Events: waitpid per traced thread (__WALL | WNOHANG), never waitpid(-1), so the stub's other
// children are left alone. When one thread stops for a reason worth reporting, every other
// running thread is interrupted (PTRACE_INTERRUPT) and its stop collected before the event is
// returned; stops seen meanwhile are kept and reported on a later resume instead of running.
#pragma once

#include <signal.h>

#include <bitset>
#include <memory>
#include <optional>
#include <vector>

#include "platform/debuggee.hpp"
#include "platform/x86_debug_registers.hpp"
#include "platform/linux/linux_process.hpp"
#include "platform/software_breakpoints.hpp"

namespace rspstub::platform::linux_backend {

class LinuxDebuggee final : public Debuggee {
 public:
  enum class Origin : std::uint8_t {
    launched,  // we started it: killed when we go (PTRACE_O_EXITKILL, and kill() in the destructor)
    attached,  // it was running before us: detached when we go
  };

  // Takes over `pid`, whose threads `tids` are seized (with trace_options(origin)) and all stopped.
  static Result<std::unique_ptr<LinuxDebuggee>> adopt(int pid, Origin origin,
                                                      const std::vector<int>& tids);
  ~LinuxDebuggee() override;

  // attach_and_stop's second half: `tids` are seized and have been sent PTRACE_INTERRUPT; waits
  // for their stops (and those of threads cloned meanwhile). process_gone if it ends meanwhile.
  Error adopt_running(const std::vector<int>& tids);

  // Process
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

  // Debuggee
  bool stopped() const noexcept override { return !gone_ && stopped_; }
  Error resume(std::span<const ResumeAction> actions) override;
  Error interrupt() override;
  std::optional<StopEvent> poll_event() override;
  Error write_registers(int tid, const x86_64::Registers& regs) override;
  Error insert_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) override;
  Error remove_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) override;
  Error remove_all_breakpoints() override;
  unsigned hardware_watchpoint_slots() const noexcept override { return DebugRegisters::kSlots; }
  Result<std::vector<std::byte>> siginfo(int tid) override;
  void set_pass_signals(std::span<const int> signals) override;
  Error detach(int signal = 0) override;
  Error kill() override;

 private:
  struct Thread {
    enum class State : std::uint8_t {
      running,
      stopped,
      zombie,  // exited, but its exit cannot be collected yet (a group leader waits for the rest)
      gone,
    };
    int tid = 0;
    State state = State::stopped;
    bool interrupt_sent = false;  // PTRACE_INTERRUPT sent and its stop not seen yet
    bool stale_interrupt = false; // an interrupt was overtaken by another stop: still queued
    bool first_stop = false;      // auto-attached by a clone: its first stop not seen yet
    bool stepping = false;        // resumed with PTRACE_SINGLESTEP
    int deliver_signal = 0;       // a (pass) signal to deliver the next time it runs
    std::optional<StopEvent> pending;  // a stop to report instead of running on
    bool has_siginfo = false;
    siginfo_t info{};
  };

  LinuxDebuggee(int pid, Origin origin, std::unique_ptr<LinuxProcess> inner);

  Thread* find(int tid) noexcept;
  bool live(const Thread& t) const noexcept {
    return t.state == Thread::State::running || t.state == Thread::State::stopped;
  }

  // --- events (debuggee_events.cpp) ---
  // What one waitpid status of `t` means: an event to report, or nothing (handled here).
  std::optional<StopEvent> classify(std::size_t index, int status);
  std::optional<StopEvent> classify_trap(Thread& t);
  // One WNOHANG round over every traced thread. Returns an event to report (a stop of one
  // thread, or the process's end) or nothing; `progress` tells whether any status came.
  std::optional<StopEvent> poll_round(bool& progress);
  // Stops every running thread and collects the stops; the process's end if it ends meanwhile.
  std::optional<StopEvent> stop_others();
  // The process ended (exit or death): reap what is left and remember it.
  StopEvent ended(const StopEvent& end);
  // Resumes one thread (cont or step), with `sig`. False if the thread has gone.
  bool run_thread(Thread& t, bool step, int sig) noexcept;
  // Steps `t` alone over the software breakpoint at its PC. An event if something else came
  // of it (another stop, or the end of the process).
  std::optional<StopEvent> step_over_breakpoint(std::size_t index, int sig, bool& stepped);
  // Marks a thread that cannot be stopped or waited for (exited, or a zombie leader).
  void mark_if_dead(Thread& t) noexcept;
  // Adds the threads /proc lists that we do not know (so their ends can be collected).
  void track_unknown_threads();
  void after_exec();
  bool sigtrap_queued(int tid) const;
  void wait_pause() noexcept;

  // --- breakpoints, registers (debuggee_linux.cpp) ---
  WriteResult raw_write(std::uint64_t addr, std::span<const std::byte> in) noexcept;
  Error apply_debug_registers(Thread& t) noexcept;
  Error apply_debug_registers_everywhere() noexcept;
  bool get_pc(int tid, std::uint64_t& pc) noexcept;
  bool set_pc(int tid, std::uint64_t pc) noexcept;
  void remove_everything() noexcept;

  int pid_;
  Origin origin_;
  std::unique_ptr<LinuxProcess> inner_;
  std::vector<Thread> threads_;
  SoftwareBreakpoints breakpoints_;
  DebugRegisters debug_regs_;
  std::bitset<65> pass_signals_;
  bool stopped_ = true;
  bool gone_ = false;
  bool stopping_ = false;        // collecting the stops of every thread
  bool user_interrupt_ = false;  // interrupt() asked for a stop that has not come yet
  bool deferred_ = false;        // resumed while a thread had a pending stop: report it
  std::optional<StopEvent> end_;  // the process ended; reported once by poll_event
  bool end_reported_ = false;
};

// The ptrace options every seized thread gets (clone and exec events; EXITKILL for launches).
long trace_options(LinuxDebuggee::Origin origin) noexcept;

}  // namespace rspstub::platform::linux_backend
