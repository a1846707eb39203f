// Which part of a requested memory range may be passed to the kernel at all.
#pragma once

#include <cstddef>
#include <cstdint>

namespace rspstub::platform::linux_backend {

// The offset of a pread/pwrite on /proc/PID/mem is a signed off_t, and no x86-64 user mapping
// lies at or above 2^63, so such addresses never reach a syscall.
inline constexpr std::uint64_t kAddressLimit = std::uint64_t{1} << 63;

// Pure. The number of bytes of [addr, addr + len) to request: len clamped so the range ends at
// or below 2^63; 0 when nothing may be requested (addr >= 2^63, or the range would run past
// 2^64). len == 0 gives 0.
std::size_t requestable_length(std::uint64_t addr, std::size_t len) noexcept;

}  // namespace rspstub::platform::linux_backend
