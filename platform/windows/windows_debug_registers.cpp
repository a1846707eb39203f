// WindowsDebuggee: hardware breakpoints (Z1) and watchpoints (Z2-Z4) through the x86 debug
// registers in each thread's CONTEXT. The slot bookkeeping and the Dr7 encoding are shared with
// the Linux backend (platform/x86_debug_registers.hpp); here they are written with
// Get/SetThreadContext(CONTEXT_DEBUG_REGISTERS) into every thread while the process is stopped
// (all its threads frozen by the outstanding debug event), and into each thread created later
// (CREATE_THREAD_DEBUG_EVENT). A hit arrives as EXCEPTION_SINGLE_STEP with the slot's bit in Dr6.
#include <cstring>

#include "platform/signal_numbers.hpp"
#include "platform/windows/win32_error_map.hpp"
#include "platform/windows/windows_debuggee.hpp"

namespace rspstub::platform::windows_backend {
namespace {

constexpr DWORD kResumeFlag = 0x10000;  // EFLAGS.RF: no instruction breakpoint for one instruction

bool is_debug_register_type(BreakpointType type) noexcept {
  return type == BreakpointType::hardware || type == BreakpointType::write_watch ||
         type == BreakpointType::read_watch || type == BreakpointType::access_watch;
}

}  // namespace

bool WindowsDebuggee::apply_debug_registers(const Thread& t) const noexcept {
  CONTEXT c;
  std::memset(&c, 0, sizeof c);
  c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
  if (!::GetThreadContext(t.handle, &c)) return false;
  DWORD64* const addresses[DebugRegisters::kSlots] = {&c.Dr0, &c.Dr1, &c.Dr2, &c.Dr3};
  for (unsigned i = 0; i < DebugRegisters::kSlots; ++i) {
    const auto& slot = debug_regs_.slot(i);
    *addresses[i] = slot.used ? slot.addr : 0;
  }
  // One SetThreadContext writes Dr0-Dr3 and Dr7 together: no half-programmed slot is enabled.
  c.Dr7 = debug_regs_.dr7();
  c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
  return ::SetThreadContext(t.handle, &c) != 0;
}

Error WindowsDebuggee::apply_debug_registers_everywhere() noexcept {
  Error first = Error::none;
  for (const Thread& t : threads_)
    if (!apply_debug_registers(t) && first == Error::none) first = error_from_win32(::GetLastError());
  return first;
}

Error WindowsDebuggee::change_debug_register(BreakpointType type, std::uint64_t addr,
                                             std::uint32_t length, bool insert) {
  if (!is_debug_register_type(type)) return Error::not_supported;
  // The contexts can only be written while every thread is frozen.
  if (!stopped()) return Error::not_supported;
  if (!insert) {
    if (!debug_regs_.remove(type, addr, length)) return Error::none;
    return apply_debug_registers_everywhere();
  }
  const DebugRegisters before = debug_regs_;
  // Not a length/alignment a debug register can hold, or all four taken: E0b as on Linux.
  if (!debug_regs_.add(type, addr, length)) return Error::invalid_argument;
  if (const Error e = apply_debug_registers_everywhere(); e != Error::none) {
    debug_regs_ = before;
    apply_debug_registers_everywhere();
    return e;
  }
  return Error::none;
}

std::optional<StopEvent> WindowsDebuggee::debug_register_hit(const Thread& t) {
  if (!debug_regs_.any()) return std::nullopt;
  CONTEXT c;
  std::memset(&c, 0, sizeof c);
  c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
  if (!::GetThreadContext(t.handle, &c)) return std::nullopt;
  const auto slot = debug_regs_.fired(c.Dr6);
  if (c.Dr6 != 0) {  // the processor never clears Dr6 itself
    c.Dr6 = 0;
    c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
    ::SetThreadContext(t.handle, &c);
  }
  if (!slot) return std::nullopt;
  const auto& s = debug_regs_.slot(*slot);
  if (s.type == BreakpointType::hardware)
    return stop_of(t.tid, posix_signal::trap, StopReason::hw_breakpoint);
  StopEvent ev = stop_of(t.tid, posix_signal::trap, StopReason::watchpoint);
  ev.watch_address = s.addr;
  ev.watch_kind = s.type == BreakpointType::write_watch  ? WatchKind::write
                  : s.type == BreakpointType::read_watch ? WatchKind::read
                                                         : WatchKind::access;
  return ev;
}

void WindowsDebuggee::skip_hardware_breakpoint(const Thread& t) noexcept {
  bool any_execution_slot = false;
  for (unsigned i = 0; i < DebugRegisters::kSlots; ++i)
    any_execution_slot |= debug_regs_.slot(i).used &&
                          debug_regs_.slot(i).type == BreakpointType::hardware;
  if (!any_execution_slot) return;
  CONTEXT c;
  if (!get_context(t, c)) return;
  for (unsigned i = 0; i < DebugRegisters::kSlots; ++i) {
    const auto& s = debug_regs_.slot(i);
    if (s.used && s.type == BreakpointType::hardware && s.addr == c.Rip) {
      c.EFlags |= kResumeFlag;
      set_context(t, c);
      return;
    }
  }
}

}  // namespace rspstub::platform::windows_backend
