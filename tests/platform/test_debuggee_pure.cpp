// The ptrace backend's pure pieces: x87 tag words, register conversion, the software
// breakpoint table (DR7 encoding: test_x86_debug_registers.cpp).
#include <boost/test/unit_test.hpp>

#include <cstring>

#include "platform/linux/ptrace_regs.hpp"
#include "platform/software_breakpoints.hpp"

namespace reg = rspstub::platform::x86_64;
using namespace rspstub::platform::linux_backend;
using rspstub::platform::kInt3;
using rspstub::platform::SoftwareBreakpoints;

BOOST_AUTO_TEST_SUITE(debuggee_pure)

BOOST_AUTO_TEST_CASE(x87_tags_follow_the_register_contents) {
  std::uint8_t v[10] = {};
  BOOST_TEST(x87_tag_of(v) == 1u);  // +0
  v[7] = 0x80;                      // integer bit
  v[8] = 0xff;
  v[9] = 0x3f;  // 1.0
  BOOST_TEST(x87_tag_of(v) == 0u);
  v[8] = 0xff;
  v[9] = 0x7f;  // exponent all ones: infinity
  BOOST_TEST(x87_tag_of(v) == 2u);
  v[9] = 0x3f;
  v[7] = 0x00;  // no integer bit: unnormal
  BOOST_TEST(x87_tag_of(v) == 2u);
  std::memset(v, 0, sizeof v);
  v[0] = 1;  // denormal
  BOOST_TEST(x87_tag_of(v) == 2u);
}

BOOST_AUTO_TEST_CASE(full_tag_word_maps_stack_slots_to_physical_registers) {
  std::uint8_t st[128] = {};
  // st0 = 1.0, st1 = 0; TOP = 6, so st0 is physical 6 and st1 physical 7.
  st[7] = 0x80;
  st[8] = 0xff;
  st[9] = 0x3f;
  const std::uint8_t abridged = 0xc0;
  const std::uint16_t full = full_tag_word(abridged, 6, st);
  BOOST_TEST(full == 0x4fffu);  // phys7 = 01 (zero), phys6 = 00 (valid), the rest 11
  BOOST_TEST(abridged_tag(full) == abridged);
  BOOST_TEST(full_tag_word(0, 0, st) == 0xffffu);
}

BOOST_AUTO_TEST_CASE(general_registers_round_trip_and_partial_writes) {
  user_regs_struct in{};
  in.rax = 1;
  in.rip = 0x401000;
  in.eflags = 0x246;
  in.cs = 0x33;
  in.fs_base = 0x7fff0000;
  in.orig_rax = static_cast<unsigned long long>(-1);
  reg::Registers r;
  general_to_registers(in, r);
  BOOST_TEST(r.get_u64(reg::rip) == 0x401000u);
  BOOST_TEST(r.get_u64(reg::eflags) == 0x246u);
  BOOST_TEST(r.get_u64(reg::fs_base) == 0x7fff0000u);
  BOOST_TEST(r.get_u64(reg::orig_rax) == ~0ULL);
  reg::Registers change;
  change.set_u64(reg::rbx, 7);
  user_regs_struct out = in;
  registers_to_general(change, out);
  BOOST_TEST(out.rbx == 7u);
  BOOST_TEST(out.rax == 1u);
  BOOST_TEST(out.rip == 0x401000u);
}

BOOST_AUTO_TEST_CASE(fp_pointers_split_into_offset_and_segment) {
  user_fpregs_struct fp{};
  fp.rip = 0x1122334455667788ULL;
  fp.rdp = 0x99aabbccddeeff00ULL;
  fp.fop = 0x7ff;
  fp.ftw = 0;
  reg::Registers r;
  fp_to_registers(fp, r);
  BOOST_TEST(r.get_u64(reg::fioff) == 0x55667788u);
  BOOST_TEST(r.get_u64(reg::fiseg) == 0x11223344u);
  BOOST_TEST(r.get_u64(reg::fooff) == 0xddeeff00u);
  BOOST_TEST(r.get_u64(reg::foseg) == 0x99aabbccu);
  BOOST_TEST(r.get_u64(reg::ftag) == 0xffffu);
  user_fpregs_struct back{};
  registers_to_fp(r, back);
  BOOST_TEST(back.rip == fp.rip);
  BOOST_TEST(back.rdp == fp.rdp);
  BOOST_TEST(back.ftw == 0u);
}

BOOST_AUTO_TEST_CASE(breakpoint_table_patches_reads_and_writes) {
  SoftwareBreakpoints bps;
  bps.add(0x1005, std::byte{0x55});
  bps.add(0x1001, std::byte{0x11});
  bps.add(0x2000, std::byte{0x22});
  std::array<std::byte, 8> buf;
  buf.fill(std::byte{0xcc});
  bps.show_original(0x1000, buf);
  BOOST_TEST((buf[1] == std::byte{0x11}));
  BOOST_TEST((buf[5] == std::byte{0x55}));
  BOOST_TEST((buf[0] == std::byte{0xcc}));
  std::array<std::byte, 4> w{std::byte{1}, std::byte{2}, std::byte{3}, std::byte{4}};
  bps.keep_in_place(0x1004, w);  // covers 0x1005
  BOOST_TEST((w[1] == kInt3));
  BOOST_TEST((bps.find(0x1005)->original == std::byte{2}));
  BOOST_TEST((bps.find(0x1001)->original == std::byte{0x11}));
  bps.remove(0x1001);
  BOOST_TEST(!bps.contains(0x1001));
  BOOST_TEST(bps.entries().size() == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
