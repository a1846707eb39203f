// Parsing /proc/PID/task/TID/syscall (proc(5)): what a thread is doing, seen without stopping it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "platform/x86_64_registers.hpp"

namespace rspstub::platform::linux_backend {

struct SyscallState {
  enum class Kind {
    running,          // "running": on a CPU, nothing known
    in_syscall,       // "NR a1 a2 a3 a4 a5 a6 SP PC": blocked in system call NR
    outside_syscall,  // "-1 SP PC": blocked, but not in a system call
  };
  Kind kind = Kind::running;
  std::int64_t number = -1;
  std::array<std::uint64_t, 6> args{};
  std::uint64_t sp = 0;
  std::uint64_t pc = 0;
};

// Pure. nullopt if the text is none of the three forms.
std::optional<SyscallState> parse_syscall_file(std::string_view text);

// The registers a SyscallState tells: rip and rsp when blocked; orig_rax = NR in a system call.
x86_64::Registers registers_from(const SyscallState& state) noexcept;

}  // namespace rspstub::platform::linux_backend
