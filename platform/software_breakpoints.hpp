// The table of inserted software breakpoints (int3): address -> the original byte it replaced.
// Shared by the Linux and Windows backends. A sorted vector, so reads can be patched with a
// binary search and no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace rspstub::platform {

inline constexpr std::byte kInt3{0xcc};

class SoftwareBreakpoints {
 public:
  struct Entry {
    std::uint64_t addr;
    std::byte original;
  };

  bool contains(std::uint64_t addr) const noexcept { return find(addr) != nullptr; }
  // The original byte saved for addr, or nullptr.
  const Entry* find(std::uint64_t addr) const noexcept;
  void add(std::uint64_t addr, std::byte original);
  void remove(std::uint64_t addr) noexcept;
  void clear() noexcept { entries_.clear(); }
  const std::vector<Entry>& entries() const noexcept { return entries_; }

  // `buf` holds memory read from addr: puts the original bytes back where breakpoints are.
  void show_original(std::uint64_t addr, std::span<std::byte> buf) const noexcept;
  // `buf` is about to be written at addr: saves its bytes that land on breakpoints as their new
  // originals and puts int3 there instead, so the breakpoints stay in place.
  void keep_in_place(std::uint64_t addr, std::span<std::byte> buf) noexcept;

 private:
  std::vector<Entry>::const_iterator first_at_or_after(std::uint64_t addr) const noexcept;
  std::vector<Entry> entries_;
};

}  // namespace rspstub::platform
