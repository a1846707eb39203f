// WindowsDebuggee: debug events -> StopEvents, resumes, interrupts.
#include "platform/signal_numbers.hpp"
#include "platform/windows/thread_context.hpp"
#include "platform/windows/win32_error_map.hpp"
#include "platform/windows/windows_debuggee.hpp"

namespace rspstub::platform::windows_backend {
namespace {

namespace ps = posix_signal;

constexpr DWORD kWx86Breakpoint = 0x4000001F;  // STATUS_WX86_BREAKPOINT
constexpr DWORD kWx86SingleStep = 0x4000001E;  // STATUS_WX86_SINGLE_STEP

// The signal gdb's Windows support reports for an exception; 0 for one it does not know.
int signal_of(DWORD code) noexcept {
  switch (code) {
    case EXCEPTION_ACCESS_VIOLATION:
    case EXCEPTION_STACK_OVERFLOW:
    case EXCEPTION_IN_PAGE_ERROR:
    case EXCEPTION_ARRAY_BOUNDS_EXCEEDED:
    case EXCEPTION_GUARD_PAGE: return ps::segv;
    case EXCEPTION_ILLEGAL_INSTRUCTION:
    case EXCEPTION_PRIV_INSTRUCTION:
    case EXCEPTION_NONCONTINUABLE_EXCEPTION: return ps::ill;
    case EXCEPTION_INT_DIVIDE_BY_ZERO:
    case EXCEPTION_INT_OVERFLOW:
    case EXCEPTION_FLT_DENORMAL_OPERAND:
    case EXCEPTION_FLT_DIVIDE_BY_ZERO:
    case EXCEPTION_FLT_INEXACT_RESULT:
    case EXCEPTION_FLT_INVALID_OPERATION:
    case EXCEPTION_FLT_OVERFLOW:
    case EXCEPTION_FLT_STACK_CHECK:
    case EXCEPTION_FLT_UNDERFLOW: return ps::fpe;
    case DBG_CONTROL_C:
    case DBG_CONTROL_BREAK: return ps::int_;
    default: return 0;
  }
}

}  // namespace

StopEvent WindowsDebuggee::stop_of(DWORD tid, int signal, StopReason reason) const {
  StopEvent s;
  s.kind = StopEvent::Kind::stopped;
  s.tid = static_cast<int>(tid);
  s.signal = signal;
  s.reason = reason;
  return s;
}

std::optional<StopEvent> WindowsDebuggee::handle(const DEBUG_EVENT& ev) {
  switch (ev.dwDebugEventCode) {
    case CREATE_PROCESS_DEBUG_EVENT: {
      const auto& info = ev.u.CreateProcessInfo;
      if (info.hFile != nullptr) ::CloseHandle(info.hFile);
      pid_ = static_cast<int>(ev.dwProcessId);
      process_ = info.hProcess;
      threads_.push_back({ev.dwThreadId, info.hThread,
                          reinterpret_cast<std::uintptr_t>(info.lpThreadLocalBase), false});
      if (auto inner = WindowsProcess::attach(pid_)) inner_ = std::move(*inner);
      break;
    }
    case CREATE_THREAD_DEBUG_EVENT:
      threads_.push_back({ev.dwThreadId, ev.u.CreateThread.hThread,
                          reinterpret_cast<std::uintptr_t>(ev.u.CreateThread.lpThreadLocalBase),
                          false});
      // A new thread starts with empty debug registers: it gets the process's watchpoints.
      if (debug_regs_.any()) apply_debug_registers(threads_.back());
      break;
    case EXIT_THREAD_DEBUG_EVENT:
      std::erase_if(threads_, [&](const Thread& t) { return t.tid == ev.dwThreadId; });
      break;
    case LOAD_DLL_DEBUG_EVENT:
      if (ev.u.LoadDll.hFile != nullptr) ::CloseHandle(ev.u.LoadDll.hFile);
      break;
    case EXIT_PROCESS_DEBUG_EVENT: {
      StopEvent end;
      end.kind = StopEvent::Kind::exited;
      end.tid = pid_;
      end.exit_code = static_cast<int>(ev.u.ExitProcess.dwExitCode);
      debugger_->continue_event(ev, DBG_CONTINUE);
      event_.reset();
      gone_ = true;
      return end;
    }
    case EXCEPTION_DEBUG_EVENT:
      return handle_exception(ev);
    default:  // UNLOAD_DLL, OUTPUT_DEBUG_STRING, RIP
      break;
  }
  debugger_->continue_event(ev, DBG_CONTINUE);
  return std::nullopt;
}

std::optional<StopEvent> WindowsDebuggee::handle_exception(const DEBUG_EVENT& ev) {
  const EXCEPTION_RECORD& rec = ev.u.Exception.ExceptionRecord;
  const DWORD code = rec.ExceptionCode;
  const auto addr = reinterpret_cast<std::uintptr_t>(rec.ExceptionAddress);
  const DWORD main_tid = threads_.empty() ? ev.dwThreadId : threads_.front().tid;
  Thread* thread = find(static_cast<int>(ev.dwThreadId));
  // Reported: the event stays outstanding, so every thread stays frozen.
  auto report = [&](DWORD tid, int signal, StopReason reason) {
    event_ = ev;
    event_is_exception_ = true;
    return stop_of(tid, signal, reason);
  };

  if (code == EXCEPTION_BREAKPOINT || code == kWx86Breakpoint) {
    if (!first_breakpoint_seen_) {
      // The loader's breakpoint after launch, or the attach breakpoint (in a thread Windows
      // creates for it): the initial stop, reported on the main thread.
      first_breakpoint_seen_ = true;
      return report(main_tid, ps::trap, StopReason::signal);
    }
    if (breakpoints_.contains(addr) && thread != nullptr) {
      // Ours: the PC goes back to the breakpoint's address (Windows leaves it after the int3).
      CONTEXT c;
      if (get_context(*thread, c) && c.Rip == addr + 1) {
        c.Rip = addr;
        set_context(*thread, c);
      }
      return report(ev.dwThreadId, ps::trap, StopReason::breakpoint);
    }
    if (interrupt_requested_) {
      // DebugBreakProcess's thread: report the stop on the main thread, as the client expects.
      interrupt_requested_ = false;
      return report(main_tid, ps::int_, StopReason::interrupt);
    }
    return report(ev.dwThreadId, ps::trap, StopReason::signal);  // the program's own int3
  }
  if (code == EXCEPTION_SINGLE_STEP || code == kWx86SingleStep) {
    // A hardware breakpoint or watchpoint (Dr6 names its slot) comes first.
    std::optional<StopEvent> hit;
    if (thread != nullptr) hit = debug_register_hit(*thread);
    if (hit && ev.dwThreadId == stepping_over_) {
      // It fired during a step over one of our breakpoints: put that back, then report it.
      if (breakpoints_.contains(step_over_addr_))
        inner_->write_memory(step_over_addr_, std::span(&kInt3, 1));
      stepping_over_ = 0;
      set_trap_flag(*thread, false);
    }
    if (hit) {
      if (ev.dwThreadId == stepping_tid_) {
        stepping_tid_ = 0;
        set_trap_flag(*thread, false);
      }
      event_ = ev;  // reported: the event stays outstanding
      event_is_exception_ = false;  // ours: the program never sees this trap
      return hit;
    }
    if (thread != nullptr && ev.dwThreadId == stepping_over_) {
      // Stepped past one of our breakpoints: put it back and carry on as the client asked.
      if (breakpoints_.contains(step_over_addr_))
        inner_->write_memory(step_over_addr_, std::span(&kInt3, 1));
      stepping_over_ = 0;
      set_trap_flag(*thread, false);
      event_ = ev;
      event_is_exception_ = false;  // nothing to pass on
      bool step_requested = false;
      for (const ResumeAction& a : after_step_over_)
        if ((a.tid == -1 || a.tid == static_cast<int>(ev.dwThreadId))) {
          step_requested = a.kind == ResumeAction::Kind::step;
          break;
        }
      if (step_requested) return report(ev.dwThreadId, ps::trap, StopReason::single_step);
      std::vector<ResumeAction> again = std::move(after_step_over_);
      for (ResumeAction& a : again) a.signal = 0;  // already delivered with the step
      resume(again);
      return std::nullopt;
    }
    if (ev.dwThreadId == stepping_tid_) {
      stepping_tid_ = 0;
      return report(ev.dwThreadId, ps::trap, StopReason::single_step);
    }
    return report(ev.dwThreadId, ps::trap, StopReason::signal);
  }
  if (const int signal = signal_of(code); signal != 0)
    return report(ev.dwThreadId, signal, StopReason::signal);
  // Exceptions gdb has no signal for (C++ throws, RPC errors, ...): the program's own business
  // while it may still handle them; a second chance (about to kill it) is reported as SIGABRT.
  if (ev.u.Exception.dwFirstChance != 0) {
    debugger_->continue_event(ev, DBG_EXCEPTION_NOT_HANDLED);
    return std::nullopt;
  }
  return report(ev.dwThreadId, ps::abrt, StopReason::signal);
}

std::optional<StopEvent> WindowsDebuggee::poll_event() {
  if (gone_) return std::nullopt;
  while (!event_ && !gone_) {
    auto ev = debugger_->next_event();
    if (!ev) return std::nullopt;
    if (auto stop = handle(*ev)) return stop;
  }
  return std::nullopt;
}

Error WindowsDebuggee::interrupt() {
  if (gone_ || stopped()) return Error::none;
  interrupt_requested_ = true;
  if (!::DebugBreakProcess(process_)) return error_from_win32(::GetLastError());
  return Error::none;
}

void WindowsDebuggee::continue_outstanding(DWORD status) {
  const DEBUG_EVENT ev = *event_;
  event_.reset();
  debugger_->continue_event(ev, status);
}

void WindowsDebuggee::resume_suspended() noexcept {
  for (Thread& t : threads_)
    if (t.suspended) {
      ::ResumeThread(t.handle);
      t.suspended = false;
    }
}

Error WindowsDebuggee::resume(std::span<const ResumeAction> actions) {
  if (gone_) return Error::process_gone;
  if (!event_) return Error::not_supported;
  int steps = 0;
  for (const ResumeAction& a : actions) {
    if (a.signal < 0 || a.signal > 64) return Error::invalid_argument;
    if (a.tid != -1 && !find(a.tid)) return Error::no_such_thread;
    if (a.kind == ResumeAction::Kind::step) ++steps;
  }
  if (steps > 1) return Error::invalid_argument;
  auto action_of = [&](DWORD tid) -> const ResumeAction* {
    for (const ResumeAction& a : actions)
      if (a.tid == static_cast<int>(tid) || a.tid == -1) return &a;
    return nullptr;  // not named: stays stopped
  };
  auto runs = [](const ResumeAction* a) {
    return a != nullptr && a->kind != ResumeAction::Kind::stay_stopped;
  };

  const DWORD event_tid = event_->dwThreadId;
  const ResumeAction* event_action = action_of(event_tid);
  const DWORD status = event_is_exception_ && event_action != nullptr && event_action->signal != 0
                           ? DBG_EXCEPTION_NOT_HANDLED
                           : DBG_CONTINUE;
  resume_suspended();

  // A thread that runs from one of our breakpoints first steps over it alone, with the int3 out.
  for (Thread& t : threads_) {
    if (!runs(action_of(t.tid))) continue;
    CONTEXT c;
    if (!get_context(t, c) || !breakpoints_.contains(c.Rip)) continue;
    const auto* bp = breakpoints_.find(c.Rip);
    inner_->write_memory(c.Rip, std::span(&bp->original, 1));
    stepping_over_ = t.tid;
    step_over_addr_ = c.Rip;
    after_step_over_.assign(actions.begin(), actions.end());
    for (Thread& other : threads_)
      if (other.tid != t.tid && ::SuspendThread(other.handle) != static_cast<DWORD>(-1))
        other.suspended = true;
    set_trap_flag(t, true);
    continue_outstanding(status);
    return Error::none;
  }

  stepping_tid_ = 0;
  for (Thread& t : threads_) {
    const ResumeAction* a = action_of(t.tid);
    if (runs(a)) skip_hardware_breakpoint(t);
    if (!runs(a)) {
      if (::SuspendThread(t.handle) != static_cast<DWORD>(-1)) t.suspended = true;
    } else if (a->kind == ResumeAction::Kind::step) {
      if (!set_trap_flag(t, true)) return error_from_win32(::GetLastError());
      stepping_tid_ = t.tid;
    }
  }
  continue_outstanding(status);
  return Error::none;
}

}  // namespace rspstub::platform::windows_backend
