// libdwfl glue for platform/backtrace.hpp: one Dwfl session over a ptrace-stopped process
// (dwfl_linux_proc_report + dwfl_linux_proc_attach with assume_ptrace_stopped), walked thread by
// thread. Symbol names come from .symtab/.dynsym, file:line from DWARF when the module has it
// (also from separate debug files found the standard way: build-id, .gnu_debuglink).
#pragma once

#include <cstdint>
#include <string>

namespace rspstub::platform::linux_backend {

// Itanium C++ names demangled ("_ZN3foo3barEv" -> "foo::bar()"); anything else unchanged.
std::string demangle(const char* name);

}  // namespace rspstub::platform::linux_backend
