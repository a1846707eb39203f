#include "platform/x86_64_registers.hpp"

#include <algorithm>

namespace rspstub::platform::x86_64 {

void Registers::set_u64(int r, std::uint64_t v) noexcept {
  std::span<std::byte> dst = bytes(r);
  const std::size_t n = std::min<std::size_t>(dst.size(), 8);
  for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<std::byte>((v >> (8 * i)) & 0xff);
  // Wider registers (x87, SSE): the value fills the low bytes, the rest is zero.
  for (std::size_t i = n; i < dst.size(); ++i) dst[i] = std::byte{0};
  valid.set(static_cast<std::size_t>(r));
}

std::uint64_t Registers::get_u64(int r) const noexcept {
  std::span<const std::byte> src = bytes(r);
  const std::size_t n = std::min<std::size_t>(src.size(), 8);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < n; ++i) v |= static_cast<std::uint64_t>(src[i]) << (8 * i);
  return v;
}

}  // namespace rspstub::platform::x86_64
