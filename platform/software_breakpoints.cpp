#include "platform/software_breakpoints.hpp"

#include <algorithm>

namespace rspstub::platform {

std::vector<SoftwareBreakpoints::Entry>::const_iterator SoftwareBreakpoints::first_at_or_after(
    std::uint64_t addr) const noexcept {
  return std::lower_bound(entries_.begin(), entries_.end(), addr,
                          [](const Entry& e, std::uint64_t a) { return e.addr < a; });
}

const SoftwareBreakpoints::Entry* SoftwareBreakpoints::find(std::uint64_t addr) const noexcept {
  const auto it = first_at_or_after(addr);
  return it != entries_.end() && it->addr == addr ? &*it : nullptr;
}

void SoftwareBreakpoints::add(std::uint64_t addr, std::byte original) {
  const auto it = first_at_or_after(addr);
  if (it != entries_.end() && it->addr == addr) return;
  entries_.insert(it, Entry{addr, original});
}

void SoftwareBreakpoints::remove(std::uint64_t addr) noexcept {
  const auto it = first_at_or_after(addr);
  if (it != entries_.end() && it->addr == addr) entries_.erase(it);
}

void SoftwareBreakpoints::show_original(std::uint64_t addr, std::span<std::byte> buf) const noexcept {
  const std::uint64_t end = addr + buf.size();  // callers keep [addr, end) from wrapping
  for (auto it = first_at_or_after(addr); it != entries_.end() && it->addr < end; ++it)
    buf[it->addr - addr] = it->original;
}

void SoftwareBreakpoints::keep_in_place(std::uint64_t addr, std::span<std::byte> buf) noexcept {
  const std::uint64_t end = addr + buf.size();
  const auto first = first_at_or_after(addr);
  for (auto it = entries_.begin() + (first - entries_.cbegin()); it != entries_.end() && it->addr < end; ++it) {
    it->original = buf[it->addr - addr];
    buf[it->addr - addr] = kInt3;
  }
}

}  // namespace rspstub::platform
