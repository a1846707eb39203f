#include "platform/linux/ptrace_regs.hpp"

#include <cstring>

namespace rspstub::platform::linux_backend {
namespace {

namespace r = x86_64;

// One general register: where it is in the stub's file, and in user_regs_struct.
struct GeneralSlot {
  int reg;
  unsigned long long user_regs_struct::*field;
};

constexpr GeneralSlot kGeneral[] = {
    {r::rax, &user_regs_struct::rax},         {r::rbx, &user_regs_struct::rbx},
    {r::rcx, &user_regs_struct::rcx},         {r::rdx, &user_regs_struct::rdx},
    {r::rsi, &user_regs_struct::rsi},         {r::rdi, &user_regs_struct::rdi},
    {r::rbp, &user_regs_struct::rbp},         {r::rsp, &user_regs_struct::rsp},
    {r::r8, &user_regs_struct::r8},           {r::r9, &user_regs_struct::r9},
    {r::r10, &user_regs_struct::r10},         {r::r11, &user_regs_struct::r11},
    {r::r12, &user_regs_struct::r12},         {r::r13, &user_regs_struct::r13},
    {r::r14, &user_regs_struct::r14},         {r::r15, &user_regs_struct::r15},
    {r::rip, &user_regs_struct::rip},         {r::eflags, &user_regs_struct::eflags},
    {r::cs, &user_regs_struct::cs},           {r::ss, &user_regs_struct::ss},
    {r::ds, &user_regs_struct::ds},           {r::es, &user_regs_struct::es},
    {r::fs, &user_regs_struct::fs},           {r::gs, &user_regs_struct::gs},
    {r::orig_rax, &user_regs_struct::orig_rax}, {r::fs_base, &user_regs_struct::fs_base},
    {r::gs_base, &user_regs_struct::gs_base},
};

void put_bytes(x86_64::Registers& out, int reg, const void* src) {
  std::memcpy(out.bytes(reg).data(), src, x86_64::reg_size(reg));
  out.valid.set(static_cast<std::size_t>(reg));
}

void get_bytes(const x86_64::Registers& regs, int reg, void* dst) {
  std::memcpy(dst, regs.bytes(reg).data(), x86_64::reg_size(reg));
}

}  // namespace

void general_to_registers(const user_regs_struct& in, x86_64::Registers& out) noexcept {
  // 4-byte registers (eflags, segments) take the low half: set_u64 truncates to the size.
  for (const auto& slot : kGeneral) out.set_u64(slot.reg, in.*slot.field);
}

void registers_to_general(const x86_64::Registers& regs, user_regs_struct& inout) noexcept {
  for (const auto& slot : kGeneral) {
    if (!regs.valid.test(static_cast<std::size_t>(slot.reg))) continue;
    const std::uint64_t v = regs.get_u64(slot.reg);
    if (x86_64::reg_size(slot.reg) == 4)
      inout.*slot.field = (inout.*slot.field & ~0xffffffffULL) | (v & 0xffffffffULL);
    else
      inout.*slot.field = v;
  }
}

unsigned x87_tag_of(const std::uint8_t* b) noexcept {
  std::uint64_t mantissa = 0;
  std::memcpy(&mantissa, b, 8);
  const unsigned exponent = (static_cast<unsigned>(b[9] & 0x7f) << 8) | b[8];
  if (exponent == 0x7fff) return 2;
  if (exponent == 0) return mantissa == 0 ? 1 : 2;
  return (mantissa >> 63) ? 0 : 2;  // without the integer bit: an unnormal
}

std::uint16_t full_tag_word(std::uint8_t abridged, unsigned top, const std::uint8_t* st_space) noexcept {
  std::uint16_t full = 0;
  for (unsigned phys = 0; phys < 8; ++phys) {
    unsigned tag = 3;  // empty
    if (abridged & (1u << phys)) {
      const unsigned st = (phys + 8 - (top & 7)) % 8;  // stack position of physical register
      tag = x87_tag_of(st_space + 16 * st);
    }
    full = static_cast<std::uint16_t>(full | (tag << (2 * phys)));
  }
  return full;
}

std::uint8_t abridged_tag(std::uint16_t full) noexcept {
  std::uint8_t abridged = 0;
  for (unsigned phys = 0; phys < 8; ++phys)
    if (((full >> (2 * phys)) & 3) != 3) abridged = static_cast<std::uint8_t>(abridged | (1u << phys));
  return abridged;
}

void fp_to_registers(const user_fpregs_struct& in, x86_64::Registers& out) noexcept {
  const auto* st = reinterpret_cast<const std::uint8_t*>(in.st_space);
  for (int i = 0; i < 8; ++i) put_bytes(out, r::st0 + i, st + 16 * i);
  const auto* xmm = reinterpret_cast<const std::uint8_t*>(in.xmm_space);
  for (int i = 0; i < 16; ++i) put_bytes(out, r::xmm0 + i, xmm + 16 * i);
  out.set_u64(r::fctrl, in.cwd);
  out.set_u64(r::fstat, in.swd);
  const unsigned top = (in.swd >> 11) & 7;
  out.set_u64(r::ftag, full_tag_word(static_cast<std::uint8_t>(in.ftw & 0xff), top, st));
  out.set_u64(r::fioff, in.rip & 0xffffffffULL);
  out.set_u64(r::fiseg, in.rip >> 32);
  out.set_u64(r::fooff, in.rdp & 0xffffffffULL);
  out.set_u64(r::foseg, in.rdp >> 32);
  out.set_u64(r::fop, in.fop & 0x7ff);
  out.set_u64(r::mxcsr, in.mxcsr);
}

void registers_to_fp(const x86_64::Registers& regs, user_fpregs_struct& inout) noexcept {
  auto valid = [&](int reg) { return regs.valid.test(static_cast<std::size_t>(reg)); };
  auto* st = reinterpret_cast<std::uint8_t*>(inout.st_space);
  for (int i = 0; i < 8; ++i)
    if (valid(r::st0 + i)) get_bytes(regs, r::st0 + i, st + 16 * i);
  auto* xmm = reinterpret_cast<std::uint8_t*>(inout.xmm_space);
  for (int i = 0; i < 16; ++i)
    if (valid(r::xmm0 + i)) get_bytes(regs, r::xmm0 + i, xmm + 16 * i);
  if (valid(r::fctrl)) inout.cwd = static_cast<unsigned short>(regs.get_u64(r::fctrl));
  if (valid(r::fstat)) inout.swd = static_cast<unsigned short>(regs.get_u64(r::fstat));
  if (valid(r::ftag)) inout.ftw = abridged_tag(static_cast<std::uint16_t>(regs.get_u64(r::ftag)));
  if (valid(r::fioff)) inout.rip = (inout.rip & ~0xffffffffULL) | (regs.get_u64(r::fioff) & 0xffffffffULL);
  if (valid(r::fiseg)) inout.rip = (inout.rip & 0xffffffffULL) | (regs.get_u64(r::fiseg) << 32);
  if (valid(r::fooff)) inout.rdp = (inout.rdp & ~0xffffffffULL) | (regs.get_u64(r::fooff) & 0xffffffffULL);
  if (valid(r::foseg)) inout.rdp = (inout.rdp & 0xffffffffULL) | (regs.get_u64(r::foseg) << 32);
  if (valid(r::fop)) inout.fop = static_cast<unsigned short>(regs.get_u64(r::fop) & 0x7ff);
  if (valid(r::mxcsr)) inout.mxcsr = static_cast<unsigned>(regs.get_u64(r::mxcsr));
}

}  // namespace rspstub::platform::linux_backend
