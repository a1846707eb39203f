// /proc/PID/task/TID/syscall parsing, on literal inputs, and the registers it yields.
#include <boost/test/unit_test.hpp>

#include "platform/linux/proc_syscall.hpp"

namespace lb = rspstub::platform::linux_backend;
namespace reg = rspstub::platform::x86_64;
using Kind = lb::SyscallState::Kind;

BOOST_AUTO_TEST_SUITE(proc_syscall)

BOOST_AUTO_TEST_CASE(blocked_in_a_system_call) {
  const auto st = lb::parse_syscall_file(
      "230 0x1 0x0 0x7ffc3d2e1a50 0x0 0x0 0x7f0e 0x7ffc3d2e1a38 0x7f0e8c2e4c3a\n");
  BOOST_REQUIRE(st);
  BOOST_TEST((st->kind == Kind::in_syscall));
  BOOST_TEST(st->number == 230);
  BOOST_TEST(st->args[0] == 1u);
  BOOST_TEST(st->args[2] == 0x7ffc3d2e1a50u);
  BOOST_TEST(st->args[5] == 0x7f0eu);
  BOOST_TEST(st->sp == 0x7ffc3d2e1a38u);
  BOOST_TEST(st->pc == 0x7f0e8c2e4c3au);
  const reg::Registers r = lb::registers_from(*st);
  BOOST_TEST(r.valid.count() == 3u);
  BOOST_TEST(r.get_u64(reg::rip) == 0x7f0e8c2e4c3au);
  BOOST_TEST(r.get_u64(reg::rsp) == 0x7ffc3d2e1a38u);
  BOOST_TEST(r.valid.test(reg::orig_rax));
  BOOST_TEST(r.get_u64(reg::orig_rax) == 230u);
}

BOOST_AUTO_TEST_CASE(blocked_outside_a_system_call) {
  const auto st = lb::parse_syscall_file("-1 0x7ffe0000fff0 0x401136\n");
  BOOST_REQUIRE(st);
  BOOST_TEST((st->kind == Kind::outside_syscall));
  BOOST_TEST(st->sp == 0x7ffe0000fff0u);
  BOOST_TEST(st->pc == 0x401136u);
  const reg::Registers r = lb::registers_from(*st);
  BOOST_TEST(r.valid.count() == 2u);
  BOOST_TEST(!r.valid.test(reg::orig_rax));
  BOOST_TEST(r.get_u64(reg::rip) == 0x401136u);
}

BOOST_AUTO_TEST_CASE(running_tells_nothing) {
  const auto st = lb::parse_syscall_file("running\n");
  BOOST_REQUIRE(st);
  BOOST_TEST((st->kind == Kind::running));
  BOOST_TEST(lb::registers_from(*st).valid.none());
  BOOST_TEST(lb::parse_syscall_file("running").has_value());
}

BOOST_AUTO_TEST_CASE(malformed) {
  BOOST_TEST(!lb::parse_syscall_file(""));
  BOOST_TEST(!lb::parse_syscall_file("walking\n"));
  BOOST_TEST(!lb::parse_syscall_file("-1 0x10\n"));                   // no PC
  BOOST_TEST(!lb::parse_syscall_file("-1 0x10 0x20 0x30\n"));         // one too many
  BOOST_TEST(!lb::parse_syscall_file("-2 0x10 0x20\n"));
  BOOST_TEST(!lb::parse_syscall_file("0 0x1 0x2 0x3 0x4 0x5 0x10 0x20\n"));  // 5 args
  BOOST_TEST(!lb::parse_syscall_file("-1 10 0x20\n"));                // no 0x
  BOOST_TEST(!lb::parse_syscall_file("-1 0xzz 0x20\n"));
}

BOOST_AUTO_TEST_SUITE_END()
