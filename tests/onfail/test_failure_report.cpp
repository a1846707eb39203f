// The wording rspstub --on-failure prints, and the exit statuses it stands for.
#include <boost/test/unit_test.hpp>

#include <csignal>

#include "stub/failure_report.hpp"

using namespace rspstub::stub;
using rspstub::platform::BacktraceFrame;
using rspstub::platform::ThreadBacktrace;

namespace {
Failure segv() {
  Failure f;
  f.pid = 42;
  f.program = "./t";
  f.signal = SIGSEGV;
  f.cause = "address not mapped";
  f.tid = 43;
  f.fault_address = 0;
  f.pc = 0x401136;
  return f;
}
}  // namespace

BOOST_AUTO_TEST_SUITE(failure_report)

BOOST_AUTO_TEST_CASE(exit_status) {
  BOOST_TEST(failure_exit_status(segv()) == 139);
  Failure f = segv();
  f.signal = SIGABRT;
  BOOST_TEST(failure_exit_status(f) == 134);
  f.timed_out = true;
  BOOST_TEST(failure_exit_status(f) == 124);
}

BOOST_AUTO_TEST_CASE(describe_signal) {
  BOOST_TEST(describe_failure(segv()) ==
             "process 42 (./t) got SIGSEGV (address not mapped) in thread 43 at address 0x0, "
             "pc 0x401136");
  Failure f = segv();
  f.fault_address.reset();
  f.cause.clear();
  f.pc.reset();
  BOOST_TEST(describe_failure(f) == "process 42 (./t) got SIGSEGV in thread 43");
}

BOOST_AUTO_TEST_CASE(describe_timeout) {
  Failure f;
  f.pid = 7;
  f.program = "./hang";
  f.timed_out = true;
  f.timeout_seconds = 5;
  f.tid = 7;
  f.pc = 0x7f00;
  BOOST_TEST(describe_failure(f) == "process 7 (./hang) timed out after 5 s, stopped; thread 7 at pc 0x7f00");
}

BOOST_AUTO_TEST_CASE(commands_tcp) {
  BOOST_TEST(gdb_command("./t", "127.0.0.1:1234") == "gdb -ex 'target remote 127.0.0.1:1234' ./t");
  BOOST_TEST(lldb_command("./t", "127.0.0.1:1234") == "lldb-19 ./t -o 'gdb-remote 127.0.0.1:1234'");
}

BOOST_AUTO_TEST_CASE(commands_unix) {
  BOOST_TEST(gdb_command("./t", "unix:/tmp/d.sock") == "gdb -ex 'target remote /tmp/d.sock' ./t");
  BOOST_TEST(lldb_command("./t", "unix:/tmp/d.sock") ==
             "lldb-19 ./t -o 'process connect -p gdb-remote unix-connect:///tmp/d.sock'");
}

BOOST_AUTO_TEST_CASE(quoting) {
  BOOST_TEST(shell_quote("./plain-name_1.2") == "./plain-name_1.2");
  BOOST_TEST(shell_quote("a b") == "'a b'");
  BOOST_TEST(shell_quote("it's") == "'it'\\''s'");
  BOOST_TEST(shell_quote("") == "''");
  BOOST_TEST(shell_quote("$(rm)") == "'$(rm)'");
}

BOOST_AUTO_TEST_CASE(waiting_line_is_one_line_with_both_commands) {
  const std::string line = waiting_line(segv(), "127.0.0.1:1234", 600);
  BOOST_TEST(line.find('\n') == std::string::npos);
  BOOST_TEST(line.find("process 42") == 0u);
  BOOST_TEST(line.find("waiting 600 s for a debugger on 127.0.0.1:1234") != std::string::npos);
  BOOST_TEST(line.find("gdb -ex 'target remote 127.0.0.1:1234' ./t") != std::string::npos);
  BOOST_TEST(line.find("lldb-19 ./t -o 'gdb-remote 127.0.0.1:1234'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(backtrace_text_puts_the_failing_thread_first) {
  ThreadBacktrace main_thread{42, {BacktraceFrame{0x1000, "main", 0x10, "/b/t", "t.c", 20}}, ""};
  ThreadBacktrace worker{43,
                         {BacktraceFrame{0x2000, "crash_here", 0x4, "/b/t", "t.c", 5},
                          BacktraceFrame{0x3000, "", 0, "", "", 0}},
                         ""};
  ThreadBacktrace empty{44, {}, "no registers"};
  const std::string text =
      format_backtrace({main_thread, worker, empty}, {{43, "crasher"}, {42, "t"}}, 43);
  BOOST_TEST(text ==
             "Thread 43 \"crasher\" (faulting thread):\n"
             "  #0  0x0000000000002000 in crash_here+0x4 at t.c:5 (/b/t)\n"
             "  #1  0x0000000000003000 in ??\n"
             "Thread 42 \"t\":\n"
             "  #0  0x0000000000001000 in main+0x10 at t.c:20 (/b/t)\n"
             "Thread 44:\n"
             "  (no frames)\n"
             "  unwinding failed: no registers\n");
  BOOST_TEST(format_backtrace({main_thread}, {}, 42, "reporting thread").find("(reporting thread)") !=
             std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
