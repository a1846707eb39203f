// The common code: error names and the register image accessors.
#include <boost/test/unit_test.hpp>

#include "platform/result.hpp"
#include "platform/x86_64_registers.hpp"

namespace platform = rspstub::platform;
namespace reg = rspstub::platform::x86_64;

BOOST_AUTO_TEST_SUITE(common)

BOOST_AUTO_TEST_CASE(every_error_has_its_own_name) {
  using platform::Error;
  const Error all[] = {Error::none,           Error::no_memory,      Error::permission,
                       Error::process_gone,   Error::no_such_thread, Error::invalid_argument,
                       Error::not_supported,  Error::io_error};
  for (Error a : all) {
    BOOST_TEST(!platform::to_string(a).empty());
    for (Error b : all)
      if (a != b) BOOST_TEST(platform::to_string(a) != platform::to_string(b));
  }
  BOOST_TEST(platform::to_string(Error::no_memory) == "no memory at this address");
}

BOOST_AUTO_TEST_CASE(result_holds_a_value_or_an_error) {
  platform::Result<int> good(7);
  platform::Result<int> bad(platform::Error::permission);
  BOOST_TEST(good.ok());
  BOOST_TEST(*good == 7);
  BOOST_TEST((good.error() == platform::Error::none));
  BOOST_TEST(!bad.ok());
  BOOST_TEST((bad.error() == platform::Error::permission));
}

BOOST_AUTO_TEST_CASE(set_u64_is_little_endian_and_marks_valid) {
  reg::Registers r;
  BOOST_TEST(r.valid.none());
  r.set_u64(reg::rip, 0x1122334455667788ull);
  BOOST_TEST(r.valid.test(reg::rip));
  BOOST_TEST(r.valid.count() == 1u);
  const auto b = r.bytes(reg::rip);
  BOOST_TEST((b[0] == std::byte{0x88}));
  BOOST_TEST((b[7] == std::byte{0x11}));
  BOOST_TEST(r.get_u64(reg::rip) == 0x1122334455667788ull);
  // Neighbours untouched.
  BOOST_TEST(r.get_u64(reg::r15) == 0u);
  BOOST_TEST(r.get_u64(reg::eflags) == 0u);
}

BOOST_AUTO_TEST_CASE(narrow_and_wide_registers) {
  reg::Registers r;
  r.set_u64(reg::eflags, 0xaabbccdd00000246ull);  // 4 bytes: only the low half is kept
  BOOST_TEST(r.get_u64(reg::eflags) == 0x246u);
  BOOST_TEST(r.get_u64(reg::cs) == 0u);  // the next register is not overwritten
  r.bytes(reg::xmm0)[15] = std::byte{0xff};
  r.set_u64(reg::xmm0, 5);  // 16 bytes: low 8 hold the value, the rest are cleared
  BOOST_TEST(r.get_u64(reg::xmm0) == 5u);
  BOOST_TEST((r.bytes(reg::xmm0)[15] == std::byte{0}));
  r.set_u64(reg::orig_rax, 35);
  BOOST_TEST(r.get_u64(reg::orig_rax) == 35u);
  BOOST_TEST(reg::g_image_size == 560u);
}

BOOST_AUTO_TEST_SUITE_END()
