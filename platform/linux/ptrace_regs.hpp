// Converting between the kernel's x86-64 register structures (PTRACE_GETREGS/GETFPREGS) and the
// stub's register file (gdb's amd64-linux order). Pure: no system calls.
#pragma once

#include <sys/user.h>

#include <cstdint>

#include "platform/x86_64_registers.hpp"

namespace rspstub::platform::linux_backend {

// Fills every general, segment and base register, rip, eflags and orig_rax (marked valid).
void general_to_registers(const user_regs_struct& in, x86_64::Registers& out) noexcept;
// Copies the registers of `regs` that are valid into `inout`, leaving the others as they were.
void registers_to_general(const x86_64::Registers& regs, user_regs_struct& inout) noexcept;

// Fills st0-7, the x87 control registers, xmm0-15 and mxcsr (marked valid). ftag is the full
// 16-bit tag word (2 bits per physical register), computed from FXSAVE's abridged tag byte and
// the register contents; fiseg/foseg are the high halves of the 64-bit instruction and operand
// pointers, fioff/fooff the low halves.
void fp_to_registers(const user_fpregs_struct& in, x86_64::Registers& out) noexcept;
// The reverse, for the valid registers only.
void registers_to_fp(const x86_64::Registers& regs, user_fpregs_struct& inout) noexcept;

// The 2-bit tag of an 80-bit x87 value: 0 valid, 1 zero, 2 special (NaN, infinity, denormal,
// unnormal). `bytes` is little-endian, 10 bytes.
unsigned x87_tag_of(const std::uint8_t* bytes) noexcept;
// The full tag word from the abridged one (bit i set = physical register i in use), the stack top
// (fstat bits 11-13) and the st0-7 contents (16 bytes apart, as FXSAVE stores them).
std::uint16_t full_tag_word(std::uint8_t abridged, unsigned top, const std::uint8_t* st_space) noexcept;
// The abridged tag byte of a full tag word: a register is in use unless its tag is 3 (empty).
std::uint8_t abridged_tag(std::uint16_t full) noexcept;

}  // namespace rspstub::platform::linux_backend
