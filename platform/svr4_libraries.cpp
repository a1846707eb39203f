#include "platform/svr4_libraries.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <span>
#include <unordered_set>

namespace rspstub::platform {
namespace {

// ELF and rendezvous constants (System V ABI / <elf.h>, <link.h>), 64-bit layouts.
constexpr std::uint64_t kAtNull = 0, kAtPhdr = 3, kAtPhent = 4, kAtPhnum = 5;
constexpr std::uint32_t kPtDynamic = 2, kPtPhdr = 6;
constexpr std::uint64_t kDtNull = 0, kDtDebug = 21;
constexpr std::size_t kPhdrSize = 56;      // Elf64_Phdr
constexpr std::size_t kDynSize = 16;       // Elf64_Dyn
constexpr std::size_t kRDebugSize = 16;    // r_version (int, padded), r_map
constexpr std::size_t kLinkMapSize = 40;   // l_addr, l_name, l_ld, l_next, l_prev

std::uint64_t u64_at(std::span<const std::byte> b, std::size_t off) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v |= std::to_integer<std::uint64_t>(b[off + i]) << (8 * i);
  return v;
}

std::uint32_t u32_at(std::span<const std::byte> b, std::size_t off) {
  return static_cast<std::uint32_t>(u64_at(b, off) & 0xffffffffu);
}

// Reads exactly out.size() bytes or fails (a readable prefix is not enough for a structure).
Error read_exact(Process& process, std::uint64_t addr, std::span<std::byte> out) {
  const ReadResult r = process.read_memory(addr, out);
  if (r.bytes == out.size()) return Error::none;
  return r.bytes == 0 && r.error != Error::none ? r.error : Error::no_memory;
}

struct AuxvFacts {
  std::uint64_t phdr = 0, phent = 0, phnum = 0;
};

Result<AuxvFacts> parse_auxv(std::span<const std::byte> auxv) {
  AuxvFacts facts;
  for (std::size_t off = 0; off + 16 <= auxv.size(); off += 16) {
    const std::uint64_t type = u64_at(auxv, off), value = u64_at(auxv, off + 8);
    if (type == kAtNull) break;
    if (type == kAtPhdr) facts.phdr = value;
    if (type == kAtPhent) facts.phent = value;
    if (type == kAtPhnum) facts.phnum = value;
  }
  if (facts.phdr == 0 || facts.phnum == 0) return Error::not_supported;  // not an ELF process
  if (facts.phent != 0 && facts.phent != kPhdrSize) return Error::not_supported;  // not ELF64
  return facts;
}

// Where the dynamic section is in memory, or 0 (no PT_DYNAMIC: a static program).
struct DynamicSection {
  std::uint64_t addr = 0;
  std::uint64_t size = 0;
};

Result<DynamicSection> find_dynamic(Process& process, const AuxvFacts& aux,
                                    const Svr4Limits& limits) {
  if (aux.phnum > limits.max_program_headers) return Error::invalid_argument;
  std::vector<std::byte> phdrs(static_cast<std::size_t>(aux.phnum) * kPhdrSize);
  if (auto e = read_exact(process, aux.phdr, phdrs); e != Error::none) return e;
  // The load bias: where PT_PHDR says the headers are versus where auxv says they are. Without
  // PT_PHDR (a non-PIE program) the bias is 0.
  std::uint64_t bias = 0;
  for (std::size_t i = 0; i < aux.phnum; ++i)
    if (u32_at(phdrs, i * kPhdrSize) == kPtPhdr) bias = aux.phdr - u64_at(phdrs, i * kPhdrSize + 16);
  for (std::size_t i = 0; i < aux.phnum; ++i) {
    if (u32_at(phdrs, i * kPhdrSize) != kPtDynamic) continue;
    return DynamicSection{bias + u64_at(phdrs, i * kPhdrSize + 16),
                          u64_at(phdrs, i * kPhdrSize + 40)};
  }
  return DynamicSection{};
}

// The address of r_debug from DT_DEBUG: 0 when the dynamic linker has not filled it in yet.
// `found` says whether there was a DT_DEBUG entry at all.
Result<std::uint64_t> find_r_debug(Process& process, const DynamicSection& dyn,
                                   const Svr4Limits& limits, bool& found) {
  found = false;
  const std::size_t count =
      static_cast<std::size_t>(std::min<std::uint64_t>(dyn.size / kDynSize, limits.max_dynamic_entries));
  if (count == 0) return std::uint64_t{0};
  std::vector<std::byte> entries(count * kDynSize);
  const ReadResult r = process.read_memory(dyn.addr, entries);
  if (r.bytes == 0) return r.error == Error::none ? Error::no_memory : r.error;
  std::uint64_t r_debug = 0;
  for (std::size_t off = 0; off + kDynSize <= r.bytes; off += kDynSize) {
    const std::uint64_t tag = u64_at(entries, off);
    if (tag == kDtNull) break;
    if (tag == kDtDebug) {
      found = true;
      r_debug = u64_at(entries, off + 8);
      break;
    }
  }
  return r_debug;
}

// A NUL-terminated string of at most `max` bytes; false if unreadable or too long.
bool read_c_string(Process& process, std::uint64_t addr, std::size_t max, std::string& out) {
  out.clear();
  std::array<std::byte, 256> chunk;
  while (out.size() <= max) {
    const ReadResult r = process.read_memory(addr + out.size(), chunk);
    if (r.bytes == 0) return false;
    const auto* begin = reinterpret_cast<const char*>(chunk.data());
    const auto* nul = static_cast<const char*>(std::memchr(begin, 0, r.bytes));
    out.append(begin, nul != nullptr ? static_cast<std::size_t>(nul - begin) : r.bytes);
    if (nul != nullptr) return out.size() <= max;
  }
  return false;
}

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

void walk_link_maps(Process& process, std::uint64_t first, const Svr4Limits& limits,
                    Svr4LibraryList& list) {
  auto stop = [&](std::string why) {
    list.complete = false;
    if (list.problem.empty()) list.problem = std::move(why);
  };
  std::unordered_set<std::uint64_t> seen;
  std::uint64_t prev = 0;
  std::string name;
  for (std::uint64_t lm = first; lm != 0;) {
    if (!seen.insert(lm).second) return stop("the link_map chain loops back to " + hex(lm));
    if (seen.size() > limits.max_libraries + 1)
      return stop("more than " + std::to_string(limits.max_libraries) + " libraries");
    std::array<std::byte, kLinkMapSize> entry;
    if (read_exact(process, lm, entry) != Error::none)
      return stop("the link_map entry at " + hex(lm) + " cannot be read");
    const std::uint64_t l_addr = u64_at(entry, 0), l_name = u64_at(entry, 8),
                        l_ld = u64_at(entry, 16), l_next = u64_at(entry, 24),
                        l_prev = u64_at(entry, 32);
    if (lm != first && l_prev != prev)
      return stop("the link_map entry at " + hex(lm) + " does not link back to " + hex(prev));
    if (lm == first) {
      list.main_lm = lm;  // the main program: described by the executable, not listed
    } else if (l_name != 0) {
      if (!read_c_string(process, l_name, limits.max_name_length, name))
        stop("the name of the link_map entry at " + hex(lm) + " cannot be read");
      else if (!name.empty())
        list.libraries.push_back(Svr4Library{name, lm, l_addr, l_ld});
    }
    prev = lm;
    lm = l_next;
  }
}

}  // namespace

Result<Svr4LibraryList> read_svr4_libraries(Process& process, const Svr4Limits& limits) {
  auto auxv = process.auxv();
  if (!auxv) return auxv.error();
  auto aux = parse_auxv(*auxv);
  if (!aux) return aux.error();
  auto dyn = find_dynamic(process, *aux, limits);
  if (!dyn) return dyn.error();

  Svr4LibraryList list;
  if (dyn->addr == 0) {
    list.problem = "no dynamic section (a static program)";
    return list;
  }
  bool has_debug = false;
  auto r_debug = find_r_debug(process, *dyn, limits, has_debug);
  if (!r_debug) return r_debug.error();
  if (!has_debug) {
    list.problem = "no DT_DEBUG entry in the dynamic section";
    return list;
  }
  if (*r_debug == 0) {
    list.problem = "the dynamic linker has not set up r_debug yet";
    return list;
  }
  std::array<std::byte, kRDebugSize> rd;
  if (auto e = read_exact(process, *r_debug, rd); e != Error::none) {
    list.complete = false;
    list.problem = "r_debug at " + hex(*r_debug) + " cannot be read";
    return list;
  }
  const std::uint32_t version = u32_at(rd, 0);
  const std::uint64_t r_map = u64_at(rd, 8);
  if (version == 0 || r_map == 0) {
    list.problem = "the dynamic linker's list is empty (r_version 0 or r_map 0)";
    return list;
  }
  list.r_debug = *r_debug;
  walk_link_maps(process, r_map, limits, list);
  return list;
}

}  // namespace rspstub::platform
