// Decoding a Linux x86-64 siginfo: the faulting address, or who sent the signal.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <cstring>
#include <vector>

#include "platform/fault_info.hpp"

using namespace rspstub::platform;

namespace {
// The layout from the real siginfo_t of this (x86-64 Linux) host.
std::vector<std::byte> bytes_of(const siginfo_t& si) {
  std::vector<std::byte> b(sizeof si);
  std::memcpy(b.data(), &si, sizeof si);
  return b;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(fault_info)

BOOST_AUTO_TEST_CASE(segv_address) {
  siginfo_t si{};
  si.si_signo = SIGSEGV;
  si.si_code = SEGV_MAPERR;
  si.si_addr = reinterpret_cast<void*>(0xdead0010);
  const auto f = decode_linux_siginfo(bytes_of(si));
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->signo == SIGSEGV);
  BOOST_TEST(f->has_address);
  BOOST_TEST(f->address == 0xdead0010u);
  BOOST_TEST(!f->sent_by_process);
  BOOST_TEST(describe_fault_code(*f) == "address not mapped");
}

BOOST_AUTO_TEST_CASE(fpe_and_bus) {
  siginfo_t si{};
  si.si_signo = SIGFPE;
  si.si_code = FPE_INTDIV;
  si.si_addr = reinterpret_cast<void*>(0x401000);
  auto f = decode_linux_siginfo(bytes_of(si));
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(f->address == 0x401000u);
  BOOST_TEST(describe_fault_code(*f) == "integer divide by zero");
  si.si_signo = SIGBUS;
  si.si_code = BUS_ADRALN;
  f = decode_linux_siginfo(bytes_of(si));
  BOOST_TEST(describe_fault_code(*f) == "invalid address alignment");
}

BOOST_AUTO_TEST_CASE(abort_is_sent_not_faulted) {
  siginfo_t si{};
  si.si_signo = SIGABRT;
  si.si_code = SI_TKILL;
  si.si_pid = 4242;
  const auto f = decode_linux_siginfo(bytes_of(si));
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(!f->has_address);
  BOOST_TEST(f->sent_by_process);
  BOOST_TEST(f->sender_pid == 4242);
  BOOST_TEST(describe_fault_code(*f) == "sent by tgkill (raise/abort)");
}

BOOST_AUTO_TEST_CASE(kill_sent_segv_has_no_address) {
  siginfo_t si{};
  si.si_signo = SIGSEGV;
  si.si_code = SI_USER;
  si.si_pid = 7;
  const auto f = decode_linux_siginfo(bytes_of(si));
  BOOST_TEST_REQUIRE(f.has_value());
  BOOST_TEST(!f->has_address);
  BOOST_TEST(f->sender_pid == 7);
}

BOOST_AUTO_TEST_CASE(short_input) {
  std::vector<std::byte> b(23);
  BOOST_TEST(!decode_linux_siginfo(b).has_value());
  BOOST_TEST(!decode_linux_siginfo({}).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
