// The Windows x86-64 Debuggee: a process under the Win32 Debug API (launched with
// DEBUG_ONLY_THIS_PROCESS or attached with DebugActiveProcess), kept in all-stop. The Debug API
// calls run on a DebugThread; this object lives on the stub's thread and turns the posted
// events into StopEvents. Memory, regions, names and info come from an inner WindowsProcess.
//
// All-stop comes from Windows itself: while a debug event is outstanding (not continued), every
// thread of the process is frozen. A resume that keeps some threads stopped suspends them
// (SuspendThread) until the next stop. Exceptions map to signals as gdb's Windows support does:
// breakpoint and single step -> SIGTRAP, access violation -> SIGSEGV, illegal or privileged
// instruction -> SIGILL, arithmetic -> SIGFPE, Ctrl-C -> SIGINT. Other first-chance exceptions
// (C++ throw, ...) go back to the program unreported. A resume with a signal passes the
// exception to the program (DBG_EXCEPTION_NOT_HANDLED); without one it is dismissed.
// Hardware breakpoints and watchpoints live in every thread's debug registers
// (windows_debug_registers.cpp).
#pragma once

#include <windows.h>

#include <memory>
#include <optional>
#include <vector>

#include "platform/debuggee.hpp"
#include "platform/software_breakpoints.hpp"
#include "platform/x86_debug_registers.hpp"
#include "platform/windows/debug_thread.hpp"
#include "platform/windows/windows_process.hpp"

namespace rspstub::platform::windows_backend {

class WindowsDebuggee final : public Debuggee {
 public:
  // Starts `spec` under the debugger and waits for the loader's first breakpoint.
  static Result<std::unique_ptr<WindowsDebuggee>> launch(const LaunchSpec& spec,
                                                         std::string& message);
  // DebugActiveProcess, then waits for the attach breakpoint (all threads stopped).
  static Result<std::unique_ptr<WindowsDebuggee>> attach(int pid);
  ~WindowsDebuggee() override;

  // Process
  int pid() const noexcept override { return pid_; }
  bool alive() const noexcept override;
  ReadResult read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept override;
  WriteResult write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept override;
  Result<MemoryRegion> region_at(std::uint64_t addr) override;
  Result<std::vector<int>> threads() override;
  Result<std::string> thread_name(int tid) override;
  Result<x86_64::Registers> registers(int tid) override;
  Result<std::vector<std::byte>> auxv() override { return Error::not_supported; }
  Result<std::string> executable_path() override;
  Result<ProcessInfo> info() override;
  Result<std::uint64_t> thread_information_block(int tid) override;
  bool lists_loaded_modules() const noexcept override { return true; }
  Result<std::vector<LoadedModule>> loaded_modules() override;

  // Debuggee
  bool stopped() const noexcept override { return !gone_ && event_.has_value(); }
  Error resume(std::span<const ResumeAction> actions) override;
  Error interrupt() override;
  std::optional<StopEvent> poll_event() override;
  Error write_registers(int tid, const x86_64::Registers& regs) override;
  Error insert_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) override;
  Error remove_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) override;
  Error remove_all_breakpoints() override;
  unsigned hardware_watchpoint_slots() const noexcept override { return DebugRegisters::kSlots; }
  Result<std::vector<std::byte>> siginfo(int) override { return Error::not_supported; }
  void set_pass_signals(std::span<const int>) override {}
  Error detach(int signal = 0) override;
  Error kill() override;

 private:
  struct Thread {
    DWORD tid = 0;
    HANDLE handle = nullptr;  // from the debug event; Windows closes it
    std::uint64_t teb = 0;
    bool suspended = false;   // SuspendThread'ed by a resume that kept it stopped
  };

  WindowsDebuggee(bool launched) : launched_(launched) {}

  // Waits (up to a timeout) for the first stop after launch or attach; everything before it
  // (process and thread creation, DLL loads) is handled on the way.
  Error wait_for_first_stop();
  // Handles one event: a StopEvent to report (the event stays outstanding), or nothing (it has
  // been continued).
  std::optional<StopEvent> handle(const DEBUG_EVENT& ev);
  std::optional<StopEvent> handle_exception(const DEBUG_EVENT& ev);
  StopEvent stop_of(DWORD tid, int signal, StopReason reason) const;
  Thread* find(int tid) noexcept;
  bool get_context(const Thread& t, CONTEXT& c) const noexcept;
  bool set_context(const Thread& t, const CONTEXT& c) const noexcept;
  bool set_trap_flag(Thread& t, bool on) noexcept;
  // Continues the outstanding event (with `status`), resuming threads a resume suspended.
  void continue_outstanding(DWORD status);
  void resume_suspended() noexcept;
  void restore_all_breakpoints() noexcept;  // writes back every original byte, forgets them
  // Hardware breakpoints and watchpoints (windows_debug_registers.cpp): Dr0-Dr3 and Dr7 of the
  // thread's CONTEXT (CONTEXT_DEBUG_REGISTERS) from debug_regs_, in one thread or in all.
  bool apply_debug_registers(const Thread& t) const noexcept;
  Error apply_debug_registers_everywhere() noexcept;
  Error change_debug_register(BreakpointType type, std::uint64_t addr, std::uint32_t length,
                              bool insert);
  // The hardware breakpoint or watchpoint Dr6 says this thread hit (Dr6 is cleared), if any.
  std::optional<StopEvent> debug_register_hit(const Thread& t);
  // Sets the resume flag (RF) on a thread that sits on one of its hardware breakpoints, so the
  // breakpoint does not fire again at once when it runs.
  void skip_hardware_breakpoint(const Thread& t) noexcept;

  bool launched_;
  int pid_ = 0;
  HANDLE process_ = nullptr;  // from CREATE_PROCESS_DEBUG_EVENT; Windows closes it
  std::unique_ptr<DebugThread> debugger_ = std::make_unique<DebugThread>();
  std::unique_ptr<WindowsProcess> inner_;
  std::vector<Thread> threads_;  // creation order: the main thread first
  SoftwareBreakpoints breakpoints_;
  DebugRegisters debug_regs_;  // the same in every thread
  std::optional<DEBUG_EVENT> event_;  // the outstanding event: set while stopped
  bool event_is_exception_ = false;
  DWORD stepping_tid_ = 0;        // a resume asked this thread to single-step
  DWORD stepping_over_ = 0;       // stepping this thread over the breakpoint at step_over_addr_
  std::uint64_t step_over_addr_ = 0;
  std::vector<ResumeAction> after_step_over_;  // the resume to carry on with afterwards
  bool interrupt_requested_ = false;
  bool first_breakpoint_seen_ = false;
  bool gone_ = false;
};

}  // namespace rspstub::platform::windows_backend
