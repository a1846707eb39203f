// Hardware watchpoints in the Windows backend on a real program (the demo, attached with the
// Debug API): what Z2 writes into every thread's CONTEXT is read back through the thread's own
// handle (GetThreadContext, CONTEXT_DEBUG_REGISTERS), not through the backend. The expected Dr7
// bits come from the x86 manual: L0 (bit 0), R/W0 bits 16-17 (01 = writes), LEN0 bits 18-19
// (10 = 8 bytes). Whether the watchpoint then fires depends on the machine: hypervisors and
// wine on some hosts never raise debug-register traps; the test says so instead of failing.
#include <boost/test/unit_test.hpp>

#include <windows.h>

#include <chrono>
#include <cstring>
#include <thread>

#include "error_printing.hpp"
#include "platform/windows/windows_debuggee.hpp"
#include "windows_child.hpp"

namespace platform = rspstub::platform;
using platform::BreakpointType;
using platform::Error;
using platform::windows_backend::WindowsDebuggee;
using rspstub::test::demo_program_path;
using rspstub::test::WindowsChild;

namespace {

constexpr std::uint64_t kSlot0Write8 = 0x1 | (0x1ULL << 16) | (0x2ULL << 18);
constexpr std::uint64_t kEnableBits = 0xff;  // L0-L3, G0-G3

struct DebugRegisterValues {
  std::uint64_t dr0 = 0, dr7 = 0;
};

// The thread's debug registers, read through a handle of our own.
DebugRegisterValues read_back(int tid) {
  HANDLE h = ::OpenThread(THREAD_GET_CONTEXT | THREAD_QUERY_INFORMATION, FALSE,
                          static_cast<DWORD>(tid));
  BOOST_REQUIRE_MESSAGE(h != nullptr, "OpenThread " << tid << ": " << ::GetLastError());
  CONTEXT c;
  std::memset(&c, 0, sizeof c);
  c.ContextFlags = CONTEXT_DEBUG_REGISTERS;
  const BOOL ok = ::GetThreadContext(h, &c);
  const DWORD error = ::GetLastError();
  ::CloseHandle(h);
  BOOST_REQUIRE_MESSAGE(ok, "GetThreadContext " << tid << ": " << error);
  return {c.Dr0, c.Dr7};
}

std::optional<platform::StopEvent> wait_event(WindowsDebuggee& d, std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (auto ev = d.poll_event()) return ev;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return std::nullopt;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(windows_debug_registers)

BOOST_AUTO_TEST_CASE(a_watchpoint_is_written_into_every_thread_and_cleared) {
  WindowsChild child(demo_program_path());
  const std::uint64_t counter = child.value("g_counter");
  auto attached = WindowsDebuggee::attach(child.pid());
  BOOST_REQUIRE_MESSAGE(attached.ok(), "attach: " << platform::to_string(attached.error()));
  WindowsDebuggee& d = **attached;
  BOOST_TEST(d.hardware_watchpoint_slots() == 4u);

  // What the registers cannot hold: E0b (invalid_argument), as on Linux.
  BOOST_TEST(d.insert_breakpoint(BreakpointType::write_watch, counter, 3) == Error::invalid_argument);
  BOOST_TEST(d.insert_breakpoint(BreakpointType::write_watch, counter + 1, 4) ==
             Error::invalid_argument);
  BOOST_TEST(d.insert_breakpoint(BreakpointType::hardware, counter, 2) == Error::invalid_argument);

  BOOST_REQUIRE(d.insert_breakpoint(BreakpointType::write_watch, counter, 8) == Error::none);
  auto tids = d.threads();
  BOOST_REQUIRE(tids.ok());
  for (int tid : *tids) {
    const auto regs = read_back(tid);
    BOOST_TEST(regs.dr0 == counter, "thread " << tid);
    BOOST_TEST((regs.dr7 & 0xffff00ffULL) == kSlot0Write8, "thread " << tid);
  }

  // Three more fit; a fifth is refused.
  for (std::uint64_t i = 1; i <= 3; ++i)
    BOOST_TEST(d.insert_breakpoint(BreakpointType::access_watch, counter - 8 * i, 8) == Error::none);
  BOOST_TEST(d.insert_breakpoint(BreakpointType::access_watch, counter - 32, 8) ==
             Error::invalid_argument);
  for (std::uint64_t i = 1; i <= 3; ++i)
    BOOST_TEST(d.remove_breakpoint(BreakpointType::access_watch, counter - 8 * i, 8) == Error::none);

  // The ticker thread writes g_counter every 10 ms. Only the ticker runs: the attach's
  // break-in thread stays suspended, so its exit (a debug event that freezes the process)
  // cannot come while the watchpoint fires. When every thread ran, wine 8 now and then left the
  // ticker blocked for good in its own trap handler (inside NtGetContextThread, as gdb showed),
  // and the test hung: 2 of 22 full runs, 2 hangs and 2 failures in 150 runs of this case;
  // none in 350 runs since.
  const platform::ResumeAction ticker_only{static_cast<int>(child.value("ticker_tid")),
                                           platform::ResumeAction::Kind::cont, 0};
  BOOST_REQUIRE(d.resume(std::span(&ticker_only, 1)) == Error::none);
  auto stop = wait_event(d, std::chrono::seconds(2));
  if (stop && stop->reason == platform::StopReason::watchpoint) {
    BOOST_TEST(stop->watch_address == counter);
    BOOST_TEST(stop->tid == static_cast<int>(child.value("ticker_tid")));
  } else {
    BOOST_TEST_MESSAGE("hardware watchpoint did not fire here (VM)");
    BOOST_TEST(!stop.has_value());  // nothing else may stop the demo
    BOOST_REQUIRE(d.interrupt() == Error::none);
    stop = wait_event(d, std::chrono::seconds(10));
    BOOST_REQUIRE(stop.has_value());
    // Threads created while it ran (the interrupt's own thread) carry the watchpoint too.
    tids = d.threads();
    BOOST_REQUIRE(tids.ok());
    for (int tid : *tids) BOOST_TEST(read_back(tid).dr0 == counter, "thread " << tid);
  }

  BOOST_REQUIRE(d.remove_breakpoint(BreakpointType::write_watch, counter, 8) == Error::none);
  tids = d.threads();
  BOOST_REQUIRE(tids.ok());
  for (int tid : *tids) BOOST_TEST((read_back(tid).dr7 & kEnableBits) == 0u, "thread " << tid);
  BOOST_TEST(d.detach() == Error::none);
}

BOOST_AUTO_TEST_SUITE_END()
