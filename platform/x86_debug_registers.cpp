#include "platform/x86_debug_registers.hpp"

namespace rspstub::platform {

unsigned dr7_rw_bits(BreakpointType type) noexcept {
  switch (type) {
    case BreakpointType::write_watch:
      return 1;  // 01: data writes
    case BreakpointType::read_watch:   // x86 cannot watch reads alone: 11 (reads and writes);
    case BreakpointType::access_watch:  // the client tells a read from a write by the value
      return 3;
    default:
      return 0;  // 00: instruction execution
  }
}

unsigned dr7_len_bits(std::uint32_t length) noexcept {
  switch (length) {
    case 2: return 1;
    case 8: return 2;
    case 4: return 3;
    default: return 0;  // 1 byte
  }
}

bool DebugRegisters::valid(BreakpointType type, std::uint64_t addr, std::uint32_t length) noexcept {
  if (addr >= 0x0000800000000000ULL) return false;  // not a user-space address
  switch (type) {
    case BreakpointType::hardware:
      return length <= 1;  // one instruction byte (gdb and lldb send kind 1)
    case BreakpointType::write_watch:
    case BreakpointType::read_watch:
    case BreakpointType::access_watch:
      if (length != 1 && length != 2 && length != 4 && length != 8) return false;
      return addr % length == 0;
    default:
      return false;
  }
}

std::optional<unsigned> DebugRegisters::add(BreakpointType type, std::uint64_t addr,
                                            std::uint32_t length) noexcept {
  if (!valid(type, addr, length)) return std::nullopt;
  if (type == BreakpointType::hardware) length = 1;
  for (unsigned i = 0; i < kSlots; ++i) {
    const Slot& s = slots_[i];
    if (s.used && s.type == type && s.addr == addr && s.length == length) return i;
  }
  for (unsigned i = 0; i < kSlots; ++i) {
    if (!slots_[i].used) {
      slots_[i] = Slot{true, type, addr, length};
      return i;
    }
  }
  return std::nullopt;
}

bool DebugRegisters::remove(BreakpointType type, std::uint64_t addr, std::uint32_t length) noexcept {
  if (type == BreakpointType::hardware) length = 1;
  for (Slot& s : slots_) {
    if (s.used && s.type == type && s.addr == addr && s.length == length) {
      s = Slot{};
      return true;
    }
  }
  return false;
}

bool DebugRegisters::any() const noexcept {
  for (const Slot& s : slots_)
    if (s.used) return true;
  return false;
}

std::uint64_t DebugRegisters::dr7() const noexcept {
  std::uint64_t v = 0;
  for (unsigned i = 0; i < kSlots; ++i) {
    const Slot& s = slots_[i];
    if (!s.used) continue;
    v |= 1ULL << (2 * i);  // L0-L3
    v |= static_cast<std::uint64_t>(dr7_rw_bits(s.type)) << (16 + 4 * i);
    v |= static_cast<std::uint64_t>(dr7_len_bits(s.length)) << (18 + 4 * i);
  }
  return v;
}

std::optional<unsigned> DebugRegisters::fired(std::uint64_t dr6) const noexcept {
  for (unsigned i = 0; i < kSlots; ++i)
    if (slots_[i].used && (dr6 & (1ULL << i))) return i;
  return std::nullopt;
}

}  // namespace rspstub::platform
