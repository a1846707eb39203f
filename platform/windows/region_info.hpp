// VirtualQueryEx's view of memory (MEMORY_BASIC_INFORMATION) in the platform's terms. Pure: no
// OS calls, so the rules can be tested on any process.
#pragma once

#include <windows.h>

#include "platform/process.hpp"

namespace rspstub::platform::windows_backend {

// Committed, and neither PAGE_NOACCESS nor PAGE_GUARD (touching a guard page would change the
// target: its guard status is cleared and a stack may not grow as planned).
bool is_readable(const MEMORY_BASIC_INFORMATION& m) noexcept;
bool is_writable(const MEMORY_BASIC_INFORMATION& m) noexcept;
bool is_executable(const MEMORY_BASIC_INFORMATION& m) noexcept;

// The region as platform::MemoryRegion, without a name. MEM_FREE is a gap (mapped == false);
// MEM_RESERVE is mapped with no access (address space taken, nothing behind it), like a PROT_NONE
// mapping on Linux.
MemoryRegion region_from(const MEMORY_BASIC_INFORMATION& m) noexcept;

}  // namespace rspstub::platform::windows_backend
