#include "platform/linux/region_lookup.hpp"

#include <algorithm>

namespace rspstub::platform::linux_backend {

MemoryRegion region_containing(std::span<const MemoryRegion> regions, std::uint64_t addr) {
  // The first region that ends above addr either contains it or is the one after the gap.
  const auto next = std::find_if(regions.begin(), regions.end(),
                                 [addr](const MemoryRegion& r) { return r.end > addr; });
  if (next != regions.end() && next->start <= addr) return *next;
  MemoryRegion gap;
  gap.start = next == regions.begin() ? 0 : std::prev(next)->end;
  gap.end = next == regions.end() ? 0 : next->start;
  return gap;
}

}  // namespace rspstub::platform::linux_backend
