// Helpers for the Debuggee tests: starting debuggee_target in a mode, finding its symbols with
// nm, waiting for events with a deadline (a hang fails the test instead of blocking it).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "platform/debuggee.hpp"

namespace rspstub::test {

namespace platform = rspstub::platform;

// The path of the target program.
const char* target_path();
// The address of a symbol of the target (nm; -no-pie so it is the runtime address). Fails the
// test if it is missing.
std::uint64_t target_symbol(const std::string& name);

// Launches the target in `mode`, stopped at its first instruction; fails the test if it cannot.
std::unique_ptr<platform::Debuggee> launch_target(const std::string& mode, bool use_shell = false);

// poll_event() until an event arrives or `timeout` passes (nullopt).
std::optional<platform::StopEvent> wait_event(
    platform::Debuggee& d, std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Resumes every thread (continue), delivering `signal` to the main thread.
platform::Error continue_all(platform::Debuggee& d, int signal = 0);
// Continues until a breakpoint stop or the end; returns the event.
std::optional<platform::StopEvent> run_to_event(platform::Debuggee& d);

std::uint64_t pc_of(platform::Debuggee& d, int tid);
std::uint64_t read_u64(platform::Debuggee& d, std::uint64_t addr);

// The state letter of a thread in /proc (t = stopped by the tracer, R/S = running/sleeping).
char thread_state(int pid, int tid);

}  // namespace rspstub::test
