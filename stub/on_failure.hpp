// rspstub --on-failure: a test launcher. Runs the program after `--` under control at full speed
// (non-fatal signals go straight to it, nothing is printed) and steps in only when it fails:
//   - it is about to die from a core-dumping signal it does not handle (SIGSEGV, SIGABRT, ...;
//     decided from its disposition at the stop, platform/fatal_signal.hpp), or
//   - it runs past --timeout (a hang).
// The program is then kept stopped; one line on stderr says what happened and how to connect
// gdb or lldb, and the normal server waits --wait seconds for a debugger (stub/on_failure_serve).
// Without one (or with --backtrace-only) rspstub prints every thread's backtrace and ends as the
// program would have: it lets the signal kill it and exits 128+signal; a hang is killed, 124.
// A passing program's stdout, stderr and exit status pass through unchanged (it inherits our
// file descriptors, and rspstub writes nothing).
#pragma once

#include "stub/log.hpp"
#include "stub/options.hpp"

namespace rspstub::stub {

// Runs `opt.program` as described; returns rspstub's exit status.
int run_on_failure(const Options& opt, Logger& log);

}  // namespace rspstub::stub
