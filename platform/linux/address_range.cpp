#include "platform/linux/address_range.hpp"

#include <limits>

namespace rspstub::platform::linux_backend {

std::size_t requestable_length(std::uint64_t addr, std::size_t len) noexcept {
  if (addr >= kAddressLimit) return 0;
  if (len > std::numeric_limits<std::uint64_t>::max() - addr) return 0;  // wraps past 2^64
  const std::uint64_t room = kAddressLimit - addr;
  return len < room ? len : static_cast<std::size_t>(room);
}

}  // namespace rspstub::platform::linux_backend
