// A fake process laid out like a dynamically linked PIE program after its dynamic linker ran:
// program headers found through auxv, a dynamic section with DT_DEBUG, r_debug and a link_map
// chain of four entries (the main program, the vDSO, libc, ld.so). Tests break pieces of it
// (through the public fields) before calling install().
//
//   exe  (kBias .. +0x4000)    phdrs at +0x40 (PT_PHDR, PT_LOAD, PT_DYNAMIC), dynamic at +0x3000
//   ld   (kLd .. +0x2000)      r_debug at +0x100, link_maps at +0x200 + 0x40*i, names at +0x800
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/fake/fake_process.hpp"

namespace rspstub::test {

struct Svr4Layout {
  static constexpr std::uint64_t kBias = 0x555555554000;
  static constexpr std::uint64_t kLd = 0x7f0000100000;
  static constexpr std::uint64_t kRDebug = kLd + 0x100;
  static constexpr std::uint64_t kDynamicOffset = 0x3000;
  static constexpr std::size_t kEntries = 4;
  static constexpr std::uint64_t kUnmapped = 0x7f0000900000;

  static constexpr std::uint64_t lm(std::size_t i) { return kLd + 0x200 + 0x40 * i; }
  static constexpr std::uint64_t name_addr(std::size_t i) { return kLd + 0x800 + 0x100 * i; }
  static constexpr std::uint64_t l_addr(std::size_t i) {
    return i == 0 ? kBias : 0x7f0000200000 + 0x100000 * i;
  }
  static constexpr std::uint64_t l_ld(std::size_t i) { return l_addr(i) + 0x3e40; }

  std::vector<std::string> names = {"", "linux-vdso.so.1", "/lib/x86_64-linux-gnu/libc.so.6",
                                    "/lib64/ld-linux-x86-64.so.2"};
  std::vector<std::byte> exe = std::vector<std::byte>(0x4000);
  std::vector<std::byte> ld = std::vector<std::byte>(0x2000);
  std::vector<std::uint64_t> auxv = {3, kBias + 0x40, 4, 56, 5, 3, 9, kBias + 0x10c0, 0, 0};

  static void put(std::vector<std::byte>& region, std::uint64_t off, std::uint64_t v,
                  int width = 8) {
    for (int i = 0; i < width; ++i)
      region.at(off + i) = static_cast<std::byte>((v >> (8 * i)) & 0xff);
  }
  void put_ld(std::uint64_t addr, std::uint64_t v) { put(ld, addr - kLd, v); }

  // Field offsets in a link_map entry.
  enum Field { l_addr_f = 0, l_name_f = 8, l_ld_f = 16, l_next_f = 24, l_prev_f = 32 };
  void set_link(std::size_t i, Field f, std::uint64_t v) { put_ld(lm(i) + f, v); }

  void set_dynamic_entry(std::size_t index, std::uint64_t tag, std::uint64_t value) {
    put(exe, kDynamicOffset + 16 * index, tag);
    put(exe, kDynamicOffset + 16 * index + 8, value);
  }

  Svr4Layout() {
    // Program headers: PT_PHDR (vaddr 0x40), PT_LOAD (vaddr 0), PT_DYNAMIC (vaddr 0x3000).
    auto phdr = [&](std::size_t i, std::uint32_t type, std::uint64_t vaddr, std::uint64_t size) {
      const std::uint64_t at = 0x40 + 56 * i;
      put(exe, at, type, 4);
      put(exe, at + 8, vaddr);       // p_offset (same as vaddr here)
      put(exe, at + 16, vaddr);      // p_vaddr
      put(exe, at + 24, vaddr);      // p_paddr
      put(exe, at + 32, size);       // p_filesz
      put(exe, at + 40, size);       // p_memsz
    };
    phdr(0, 6, 0x40, 56 * 3);
    phdr(1, 1, 0, 0x4000);
    phdr(2, 2, kDynamicOffset, 16 * 4);
    set_dynamic_entry(0, 1, 0x1234);  // DT_NEEDED
    set_dynamic_entry(1, 21, kRDebug);  // DT_DEBUG
    set_dynamic_entry(2, 0, 0);       // DT_NULL
    // r_debug: r_version 1, r_map -> first link_map.
    put_ld(kRDebug, 1);
    put_ld(kRDebug + 8, lm(0));
    for (std::size_t i = 0; i < kEntries; ++i) {
      set_link(i, l_addr_f, l_addr(i));
      set_link(i, l_name_f, name_addr(i));
      set_link(i, l_ld_f, l_ld(i));
      set_link(i, l_next_f, i + 1 < kEntries ? lm(i + 1) : 0);
      set_link(i, l_prev_f, i > 0 ? lm(i - 1) : 0);
    }
  }

  void set_name(std::size_t i, const std::string& name) {
    names.at(i) = name;
  }

  std::vector<std::byte> auxv_bytes() const {
    std::vector<std::byte> v;
    for (std::uint64_t x : auxv)
      for (int i = 0; i < 8; ++i) v.push_back(static_cast<std::byte>((x >> (8 * i)) & 0xff));
    return v;
  }

  void install(platform::fake::FakeProcess& proc) {
    for (std::size_t i = 0; i < names.size(); ++i) {
      const std::uint64_t off = name_addr(i) - kLd;
      for (std::size_t k = 0; k < names[i].size(); ++k)
        ld.at(off + k) = static_cast<std::byte>(names[i][k]);
      ld.at(off + names[i].size()) = std::byte{0};
    }
    proc.add_region(kBias, exe, true, false, true, "/usr/bin/demo");
    proc.add_region(kLd, ld, true, true, false, "/lib64/ld-linux-x86-64.so.2");
    proc.set_auxv(auxv_bytes());
  }
};

}  // namespace rspstub::test
