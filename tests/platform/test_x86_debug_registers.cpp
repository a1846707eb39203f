// The x86 debug-register bookkeeping both backends share (platform/x86_debug_registers.hpp):
// which lengths and alignments fit, slot reuse, the DR7 encoding, DR6 -> slot.
#include <boost/test/unit_test.hpp>

#include "platform/x86_debug_registers.hpp"

using rspstub::platform::BreakpointType;
using rspstub::platform::DebugRegisters;

BOOST_AUTO_TEST_SUITE(x86_debug_registers)

BOOST_AUTO_TEST_CASE(dr7_encodes_slots) {
  DebugRegisters dr;
  BOOST_TEST(!dr.add(BreakpointType::write_watch, 0x1001, 4).has_value());  // misaligned
  BOOST_TEST(!dr.add(BreakpointType::write_watch, 0x1000, 16).has_value());
  BOOST_TEST(!dr.add(BreakpointType::write_watch, 0xffff800000000000ULL, 8).has_value());
  BOOST_TEST(*dr.add(BreakpointType::write_watch, 0x1000, 8) == 0u);
  BOOST_TEST(*dr.add(BreakpointType::write_watch, 0x1000, 8) == 0u);  // the same: no new slot
  BOOST_TEST(*dr.add(BreakpointType::access_watch, 0x2000, 2) == 1u);
  BOOST_TEST(*dr.add(BreakpointType::hardware, 0x401000, 1) == 2u);
  // slot0: L0, RW=01, LEN=10; slot1: L1, RW=11, LEN=01; slot2: L2, RW=00, LEN=00
  const std::uint64_t expected = 0x1 | 0x4 | 0x10 | (0x9ULL << 16) | (0x7ULL << 20);
  BOOST_TEST(dr.dr7() == expected);
  BOOST_TEST(*dr.fired(0x2) == 1u);
  BOOST_TEST(!dr.fired(0x8).has_value());  // slot 3 unused
  BOOST_TEST(dr.remove(BreakpointType::access_watch, 0x2000, 2));
  BOOST_TEST(!dr.remove(BreakpointType::access_watch, 0x2000, 2));
  BOOST_TEST(dr.dr7() == (0x1 | 0x10 | (0x9ULL << 16)));
}

BOOST_AUTO_TEST_CASE(a_fifth_slot_and_bad_kinds_are_refused) {
  DebugRegisters dr;
  for (unsigned i = 0; i < DebugRegisters::kSlots; ++i)
    BOOST_TEST(dr.add(BreakpointType::write_watch, 0x1000 + 8 * i, 8).has_value());
  BOOST_TEST(!dr.add(BreakpointType::write_watch, 0x2000, 8).has_value());  // all four taken
  BOOST_TEST(!DebugRegisters::valid(BreakpointType::hardware, 0x401000, 2));
  BOOST_TEST(!DebugRegisters::valid(BreakpointType::read_watch, 0x1000, 3));
  BOOST_TEST(!DebugRegisters::valid(BreakpointType::software, 0x1000, 1));
  dr.clear();
  BOOST_TEST(!dr.any());
  BOOST_TEST(dr.dr7() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
