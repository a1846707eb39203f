#include "platform/windows/thread_context.hpp"

#include <cstring>

namespace rspstub::platform::windows_backend {
namespace {

using namespace x86_64;

// The 64-bit general registers in the stub's order, as CONTEXT members.
DWORD64 CONTEXT::*const kGeneral[] = {
    &CONTEXT::Rax, &CONTEXT::Rbx, &CONTEXT::Rcx, &CONTEXT::Rdx, &CONTEXT::Rsi, &CONTEXT::Rdi,
    &CONTEXT::Rbp, &CONTEXT::Rsp, &CONTEXT::R8,  &CONTEXT::R9,  &CONTEXT::R10, &CONTEXT::R11,
    &CONTEXT::R12, &CONTEXT::R13, &CONTEXT::R14, &CONTEXT::R15, &CONTEXT::Rip,
};
WORD CONTEXT::*const kSegments[] = {&CONTEXT::SegCs, &CONTEXT::SegSs, &CONTEXT::SegDs,
                                    &CONTEXT::SegEs, &CONTEXT::SegFs, &CONTEXT::SegGs};

void put_u32(Registers& r, int reg, std::uint32_t v) {
  std::memcpy(r.bytes(reg).data(), &v, 4);
  r.valid.set(static_cast<std::size_t>(reg));
}

std::uint32_t get_u32(const Registers& r, int reg) {
  std::uint32_t v = 0;
  std::memcpy(&v, r.bytes(reg).data(), 4);
  return v;
}

bool has(const Registers& r, int reg) { return r.valid.test(static_cast<std::size_t>(reg)); }

// FXSAVE keeps an abridged tag (1 bit per register: not empty); gdb wants the full x87 tag word
// (2 bits: 11 = empty). Non-empty registers are reported as valid (00), as zero/special cannot
// be told apart without decoding each value.
std::uint32_t full_tag(BYTE abridged) {
  std::uint32_t tag = 0;
  for (int i = 0; i < 8; ++i)
    if ((abridged & (1U << i)) == 0) tag |= 3U << (2 * i);
  return tag;
}

BYTE abridged_tag(std::uint32_t full) {
  BYTE tag = 0;
  for (int i = 0; i < 8; ++i)
    if (((full >> (2 * i)) & 3U) != 3U) tag = static_cast<BYTE>(tag | (1U << i));
  return tag;
}

}  // namespace

Registers registers_from_context(const CONTEXT& c, std::uint64_t teb) {
  Registers r;
  for (int i = rax; i <= rip; ++i) r.set_u64(i, c.*kGeneral[i]);
  put_u32(r, eflags, c.EFlags);
  for (int i = cs; i <= gs; ++i) put_u32(r, i, c.*kSegments[i - cs]);
  const XMM_SAVE_AREA32& f = c.FltSave;
  for (int i = 0; i < 8; ++i) {
    std::memcpy(r.bytes(st0 + i).data(), &f.FloatRegisters[i], 10);
    r.valid.set(static_cast<std::size_t>(st0 + i));
  }
  put_u32(r, fctrl, f.ControlWord);
  put_u32(r, fstat, f.StatusWord);
  put_u32(r, ftag, full_tag(f.TagWord));
  put_u32(r, fiseg, f.ErrorSelector);
  put_u32(r, fioff, f.ErrorOffset);
  put_u32(r, foseg, f.DataSelector);
  put_u32(r, fooff, f.DataOffset);
  put_u32(r, fop, f.ErrorOpcode);
  for (int i = 0; i < 16; ++i) {
    std::memcpy(r.bytes(xmm0 + i).data(), &f.XmmRegisters[i], 16);
    r.valid.set(static_cast<std::size_t>(xmm0 + i));
  }
  put_u32(r, mxcsr, f.MxCsr);
  r.set_u64(fs_base, 0);
  r.set_u64(gs_base, teb);
  return r;
}

void registers_to_context(const Registers& r, CONTEXT& c) {
  for (int i = rax; i <= rip; ++i)
    if (has(r, i)) c.*kGeneral[i] = r.get_u64(i);
  if (has(r, eflags)) c.EFlags = get_u32(r, eflags);
  for (int i = cs; i <= gs; ++i)
    if (has(r, i)) c.*kSegments[i - cs] = static_cast<WORD>(get_u32(r, i));
  XMM_SAVE_AREA32& f = c.FltSave;
  for (int i = 0; i < 8; ++i)
    if (has(r, st0 + i)) std::memcpy(&f.FloatRegisters[i], r.bytes(st0 + i).data(), 10);
  if (has(r, fctrl)) f.ControlWord = static_cast<WORD>(get_u32(r, fctrl));
  if (has(r, fstat)) f.StatusWord = static_cast<WORD>(get_u32(r, fstat));
  if (has(r, ftag)) f.TagWord = abridged_tag(get_u32(r, ftag));
  if (has(r, fiseg)) f.ErrorSelector = static_cast<WORD>(get_u32(r, fiseg));
  if (has(r, fioff)) f.ErrorOffset = get_u32(r, fioff);
  if (has(r, foseg)) f.DataSelector = static_cast<WORD>(get_u32(r, foseg));
  if (has(r, fooff)) f.DataOffset = get_u32(r, fooff);
  if (has(r, fop)) f.ErrorOpcode = static_cast<WORD>(get_u32(r, fop));
  for (int i = 0; i < 16; ++i)
    if (has(r, xmm0 + i)) std::memcpy(&f.XmmRegisters[i], r.bytes(xmm0 + i).data(), 16);
  if (has(r, mxcsr)) {
    f.MxCsr = get_u32(r, mxcsr);
    c.MxCsr = f.MxCsr;
  }
}

}  // namespace rspstub::platform::windows_backend
