// Finding the mapping, or the gap between mappings, that holds an address.
#pragma once

#include <cstdint>
#include <span>

#include "platform/process.hpp"

namespace rspstub::platform::linux_backend {

// Pure. `regions` are sorted by address and do not overlap. Returns the region containing
// addr, or the unmapped gap around it: from the end of the previous region (or 0) to the start
// of the next (or 0, meaning the top of the address space).
MemoryRegion region_containing(std::span<const MemoryRegion> regions, std::uint64_t addr);

}  // namespace rspstub::platform::linux_backend
