// The x86-64 register file in the one order rspstub uses everywhere: the order of the `g` packet
// and of the regnums in the target description the stub serves (gdb's amd64-linux layout:
// org.gnu.gdb.i386.core, .sse, .linux, .segments). gdb 13 and lldb 19 both accept it.
#pragma once

#include <array>
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <span>

namespace rspstub::platform::x86_64 {

enum Reg : int {
  rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp,
  r8, r9, r10, r11, r12, r13, r14, r15,
  rip, eflags, cs, ss, ds, es, fs, gs,
  st0, st1, st2, st3, st4, st5, st6, st7,
  fctrl, fstat, ftag, fiseg, fioff, foseg, fooff, fop,
  xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7,
  xmm8, xmm9, xmm10, xmm11, xmm12, xmm13, xmm14, xmm15,
  mxcsr, orig_rax, fs_base, gs_base,
  reg_count
};

// Size of each register in bytes, indexed by Reg.
constexpr std::size_t reg_size(int r) noexcept {
  if (r >= st0 && r <= st7) return 10;
  if (r >= xmm0 && r <= xmm15) return 16;
  if (r >= eflags && r <= gs) return 4;
  if (r >= fctrl && r <= fop) return 4;
  if (r == mxcsr) return 4;
  return 8;
}

// Byte offset of each register in the `g` packet image.
constexpr std::size_t reg_offset(int r) noexcept {
  std::size_t off = 0;
  for (int i = 0; i < r; ++i) off += reg_size(i);
  return off;
}

constexpr std::size_t g_image_size = reg_offset(reg_count);

// A thread's registers as far as they are known. In --no-stop mode only a few are known (the PC
// and SP of a thread blocked in a system call); the rest are sent as "xx" (unavailable).
struct Registers {
  std::array<std::byte, g_image_size> image{};
  std::bitset<reg_count> valid;

  void set_u64(int r, std::uint64_t v) noexcept;       // little-endian, for 8-byte registers;
                                                       // also marks r valid
  std::uint64_t get_u64(int r) const noexcept;          // low 8 bytes (or fewer) of r
  std::span<std::byte> bytes(int r) noexcept { return {image.data() + reg_offset(r), reg_size(r)}; }
  std::span<const std::byte> bytes(int r) const noexcept {
    return {image.data() + reg_offset(r), reg_size(r)};
  }
};

}  // namespace rspstub::platform::x86_64
