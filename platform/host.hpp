// Facts about the machine the stub runs on, for lldb's qHostInfo.
#pragma once

#include <string>

namespace rspstub::platform {

struct HostInfo {
  std::string triple;      // e.g. x86_64-pc-linux-gnu
  int pointer_size = 8;
  std::string os_type;     // linux, windows, ...
  std::string os_version;  // e.g. 6.1.0 (numeric part of the kernel release)
  std::string os_build;    // full kernel release string
  std::string os_kernel;   // kernel version string (uname -v)
  std::string hostname;
  // gdb's name for the OS ABI, for target.xml's <osabi> ("GNU/Linux", "Windows"). The Linux
  // backend keeps this default.
  std::string gdb_osabi = "GNU/Linux";
  // Whether this OS's processes list their loaded modules (Process::loaded_modules): Windows.
  // Lets the stub advertise the DLL list before there is a process (--multi).
  bool lists_loaded_modules = false;
};

HostInfo host_info();

}  // namespace rspstub::platform
