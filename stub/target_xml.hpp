// The x86-64 target description served as qXfer:features:read:target.xml.
#pragma once

#include <string>
#include <string_view>

namespace rspstub::stub {

// gdb's amd64-linux layout (features org.gnu.gdb.i386.core, .sse, .linux, .segments) with the
// regnums of platform/x86_64_registers.hpp. gdb 13 accepts it (32-bit eflags and segment
// registers, as gdb requires), and lldb 19 reads it too.
// `osabi` is gdb's OS ABI name (platform::HostInfo::gdb_osabi): "GNU/Linux", "Windows".
std::string x86_64_target_xml(std::string_view osabi);

}  // namespace rspstub::stub
