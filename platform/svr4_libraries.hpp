// The shared libraries a process has loaded, as its dynamic linker lists them (the SVR4
// rendezvous protocol used by glibc, musl, the BSDs' ld.so, ...). OS-free: everything is read
// through Process (auxv and memory), so it works for any backend that can read memory,
// including the fake one.
//
// The walk, for a 64-bit little-endian ELF process:
//   auxv AT_PHDR/AT_PHNUM -> the program headers in memory -> PT_PHDR gives the load bias
//   -> PT_DYNAMIC -> the DT_DEBUG entry -> struct r_debug -> r_map -> the link_map chain
//   (l_addr, l_name, l_ld, l_next, l_prev).
//
// The process may be running (inspection mode) while we read: the chain can change under us.
// Every read is checked, every count is bounded, a cycle or an inconsistent back link ends the
// walk, and what was found so far is returned with `complete` = false and a reason.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/process.hpp"
#include "platform/result.hpp"

namespace rspstub::platform {

struct Svr4Library {
  std::string name;         // l_name, as the dynamic linker stored it
  std::uint64_t lm = 0;     // address of the link_map entry
  std::uint64_t l_addr = 0; // load bias
  std::uint64_t l_ld = 0;   // address of its dynamic section
};

struct Svr4LibraryList {
  // The main program's link_map entry (the first of the chain); 0 when the dynamic linker has
  // not set up its list yet (a process stopped at its entry point, or a static program).
  std::uint64_t main_lm = 0;
  // Address of the r_debug structure heading the list (gdb calls it the namespace id, lmid);
  // 0 when there is none.
  std::uint64_t r_debug = 0;
  // Every entry after the main program's, in chain order; entries with an empty name are
  // left out (nothing a debugger could load).
  std::vector<Svr4Library> libraries;
  bool complete = true;  // false: the walk stopped early or skipped an entry; see `problem`
  std::string problem;
};

struct Svr4Limits {
  std::size_t max_program_headers = 512;
  std::size_t max_dynamic_entries = 4096;
  std::size_t max_libraries = 4096;
  std::size_t max_name_length = 4096;
};

// Errors (from auxv or reading the program headers) mean the list cannot be found at all.
// A process without a dynamic section or without DT_DEBUG, or whose r_debug is not set up
// yet, has an empty list: that is a success.
Result<Svr4LibraryList> read_svr4_libraries(Process& process, const Svr4Limits& limits = {});

}  // namespace rspstub::platform
