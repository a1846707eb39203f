// The library list gdb reads with qXfer:libraries:read on targets whose libraries are not
// found through an SVR4 dynamic linker (Windows DLLs): "Library List Format" in the GDB manual,
//   <library-list version="1.0"><library name="C:\...\ntdll.dll"><segment address="0x..."/>
//   </library>...</library-list>
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "platform/process.hpp"

namespace rspstub::stub {

// Where gdb's Windows support expects a PE image's code: gdb relocates a DLL by the address of
// its first section (.text), which the PE linkers put one page past the image base; gdbserver
// for Windows reports base + 0x1000 the same way.
inline constexpr std::uint64_t kPeTextOffset = 0x1000;

// The list for `modules`, names XML-escaped; an empty list for no modules.
std::string library_list_xml(std::span<const platform::LoadedModule> modules);

}  // namespace rspstub::stub
