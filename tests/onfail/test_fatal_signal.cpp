// The fatal-signal policy: which stops mean "about to die", given the target's disposition.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <set>

#include "platform/fatal_signal.hpp"
#include "platform/signal_disposition.hpp"

using namespace rspstub::platform;

namespace {
std::uint64_t mask(int sig) { return std::uint64_t{1} << (sig - 1); }
}  // namespace

BOOST_AUTO_TEST_SUITE(fatal_signal)

BOOST_AUTO_TEST_CASE(core_dumping_defaults) {
  for (int sig : {SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS})
    BOOST_TEST(default_action_dumps_core(sig), "signal " << sig);
  for (int sig : {SIGHUP, SIGINT, SIGKILL, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGCHLD,
                  SIGCONT, SIGSTOP, SIGWINCH, SIGRTMIN, 0, -1, 65, 1000})
    BOOST_TEST(!default_action_dumps_core(sig), "signal " << sig);
}

BOOST_AUTO_TEST_CASE(unhandled_segv_is_fatal) {
  BOOST_TEST(is_fatal(SIGSEGV, SignalDisposition{}));
  BOOST_TEST(is_fatal(SIGABRT, SignalDisposition{mask(SIGSEGV), 0}));  // another one handled
}

BOOST_AUTO_TEST_CASE(handled_or_ignored_is_not_fatal) {
  BOOST_TEST(!is_fatal(SIGSEGV, SignalDisposition{mask(SIGSEGV), 0}));
  BOOST_TEST(!is_fatal(SIGQUIT, SignalDisposition{0, mask(SIGQUIT)}));
  BOOST_TEST(!is_fatal(SIGBUS, SignalDisposition{mask(SIGBUS) | mask(SIGSEGV), 0}));
}

BOOST_AUTO_TEST_CASE(terminating_but_not_core_is_not_fatal) {
  // The launcher lets these through; the program's end then reports 128 + signal.
  BOOST_TEST(!is_fatal(SIGTERM, SignalDisposition{}));
  BOOST_TEST(!is_fatal(SIGKILL, SignalDisposition{}));
}

BOOST_AUTO_TEST_CASE(disposition_bits_are_signal_minus_one) {
  const SignalDisposition d{mask(1) | mask(64), mask(33)};
  BOOST_TEST(d.catches(1));
  BOOST_TEST(d.catches(64));
  BOOST_TEST(!d.catches(2));
  BOOST_TEST(d.ignores(33));
  BOOST_TEST(!d.catches(0));
  BOOST_TEST(!d.catches(65));
  BOOST_TEST(!d.ignores(-3));
}

BOOST_AUTO_TEST_CASE(pass_set_excludes_inspected_and_untouchable) {
  int out[64];
  const int n = pass_through_signals(out, 64);
  const std::set<int> pass(out, out + n);
  BOOST_TEST(n == 64 - 10 - 2);
  for (int sig = 1; sig <= 64; ++sig) {
    const bool expected = !default_action_dumps_core(sig) && sig != SIGKILL && sig != SIGSTOP;
    BOOST_TEST(pass.count(sig) == (expected ? 1u : 0u), "signal " << sig);
  }
  BOOST_TEST(pass_through_signals(out, 3) == 3);  // never writes past the capacity
}

BOOST_AUTO_TEST_CASE(names) {
  BOOST_TEST(signal_name(SIGSEGV) == "SIGSEGV");
  BOOST_TEST(signal_name(SIGABRT) == "SIGABRT");
  BOOST_TEST(signal_name(34) == "SIGRT2");
  BOOST_TEST(signal_name(99) == "signal 99");
}

BOOST_AUTO_TEST_CASE(parse_proc_status) {
  const char* text =
      "Name:\tt\nState:\tS (sleeping)\nSigQ:\t0/63380\nSigPnd:\t0000000000000000\n"
      "ShdPnd:\t0000000000000000\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\n"
      "SigCgt:\t0000000180000400\nCapInh:\t0000000000000000\n";
  const auto d = parse_signal_disposition(text);
  BOOST_TEST_REQUIRE(d.has_value());
  BOOST_TEST(d->catches(SIGSEGV));   // bit 10
  BOOST_TEST(d->ignores(SIGPIPE));   // bit 12
  BOOST_TEST(d->catches(32));
  BOOST_TEST(d->catches(33));
  BOOST_TEST(!d->catches(SIGABRT));
  BOOST_TEST(!is_fatal(SIGSEGV, *d));
  BOOST_TEST(is_fatal(SIGABRT, *d));
}

BOOST_AUTO_TEST_CASE(parse_proc_status_rejects_bad_input) {
  BOOST_TEST(!parse_signal_disposition("").has_value());
  BOOST_TEST(!parse_signal_disposition("SigCgt:\t0000000000000400\n").has_value());  // no SigIgn
  BOOST_TEST(!parse_signal_disposition("SigIgn:\tzz\nSigCgt:\t0\n").has_value());
  BOOST_TEST(!parse_signal_disposition("SigIgn:\t00000000000000000\nSigCgt:\t0\n").has_value());
  BOOST_TEST(!parse_signal_disposition("SigIgn:\t\nSigCgt:\t0\n").has_value());
  // A similar name is not the field.
  BOOST_TEST(!parse_signal_disposition("SigIgnX:\t1\nSigCgt:\t0\n").has_value());
}

BOOST_AUTO_TEST_CASE(own_disposition) {
  // This process, with a handler it installs and a signal it ignores.
  struct sigaction sa {}, old_usr1{}, old_xcpu{};
  sa.sa_handler = [](int) {};
  BOOST_TEST_REQUIRE(sigaction(SIGUSR1, &sa, &old_usr1) == 0);
  sa.sa_handler = SIG_IGN;
  BOOST_TEST_REQUIRE(sigaction(SIGXCPU, &sa, &old_xcpu) == 0);
  const auto d = signal_disposition(getpid());
  sigaction(SIGUSR1, &old_usr1, nullptr);
  sigaction(SIGXCPU, &old_xcpu, nullptr);
  BOOST_TEST_REQUIRE(d.ok());
  BOOST_TEST(d->catches(SIGUSR1));
  BOOST_TEST(d->ignores(SIGXCPU));
  BOOST_TEST(!is_fatal(SIGXCPU, *d));
  BOOST_TEST((signal_disposition(0).error() == Error::invalid_argument));
  BOOST_TEST((signal_disposition(0x7ffffff0).error() == Error::process_gone));
}

BOOST_AUTO_TEST_SUITE_END()
