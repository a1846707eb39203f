// The x86 debug registers as the stub uses them: four slots (DR0-DR3) for hardware breakpoints
// and watchpoints, enabled through DR7, reported through DR6. Pure bookkeeping, the same on every
// OS: each backend writes the values into every thread (Linux: PTRACE_POKEUSER; Windows: the
// CONTEXT's Dr0-Dr3 and Dr7 with CONTEXT_DEBUG_REGISTERS).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "platform/debuggee.hpp"

namespace rspstub::platform {

class DebugRegisters {
 public:
  static constexpr unsigned kSlots = 4;

  struct Slot {
    bool used = false;
    BreakpointType type = BreakpointType::hardware;
    std::uint64_t addr = 0;
    std::uint32_t length = 1;
  };

  // Whether (type, addr, length) can be put in a debug register: hardware breakpoints have
  // length 1 (a Z1 kind of 1 is accepted too), watchpoints 1/2/4/8 aligned to their length;
  // the address must be a user-space (lower half) address.
  static bool valid(BreakpointType type, std::uint64_t addr, std::uint32_t length) noexcept;

  // Takes a free slot (returns its index) or finds the identical one already set.
  // nullopt: not valid, or every slot is taken.
  std::optional<unsigned> add(BreakpointType type, std::uint64_t addr, std::uint32_t length) noexcept;
  // Frees the matching slot; false if there is none.
  bool remove(BreakpointType type, std::uint64_t addr, std::uint32_t length) noexcept;
  void clear() noexcept { slots_ = {}; }

  const Slot& slot(unsigned i) const noexcept { return slots_[i]; }
  bool any() const noexcept;
  // The value of DR7 enabling the used slots (local-enable bits, R/W and LEN fields).
  std::uint64_t dr7() const noexcept;
  // The used slot that DR6 says fired (its B0-B3 bits), lowest first.
  std::optional<unsigned> fired(std::uint64_t dr6) const noexcept;

 private:
  std::array<Slot, kSlots> slots_{};
};

// DR7's 2-bit R/W and LEN fields for one slot (pure helpers, exposed for tests).
unsigned dr7_rw_bits(BreakpointType type) noexcept;
unsigned dr7_len_bits(std::uint32_t length) noexcept;

}  // namespace rspstub::platform
