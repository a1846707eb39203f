// x86-64 CONTEXT (Get/SetThreadContext) <-> the stub's register file (x86_64_registers.hpp):
// general registers, rip, eflags, segments, x87 and SSE state. fs_base is 0 and gs_base the
// thread's TEB on Windows x64; orig_rax (a Linux register) stays unavailable.
#pragma once

#include <windows.h>

#include <cstdint>

#include "platform/x86_64_registers.hpp"

namespace rspstub::platform::windows_backend {

// The CONTEXT flags both directions use.
inline constexpr DWORD kContextFlags = CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS |
                                       CONTEXT_FLOATING_POINT;

x86_64::Registers registers_from_context(const CONTEXT& c, std::uint64_t teb);

// Copies the registers marked valid in `regs` into `c` (others keep their values).
void registers_to_context(const x86_64::Registers& regs, CONTEXT& c);

}  // namespace rspstub::platform::windows_backend
