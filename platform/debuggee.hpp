// A process under the stub's control (Linux: ptrace): stopped, resumed, stepped, broken into.
// All-stop: when one thread stops, every thread is stopped before the stop is reported; a resume
// resumes every thread. The Process half (memory, regions, threads, registers, ...) keeps its
// contract; while stopped, registers(tid) is the full register file (every register valid).
//
// Events: the OS tells the stub that a debuggee has news by raising debuggee_event_signal()
// (SIGCHLD on POSIX; 0 = no such signal, poll on a timer instead). The stub then calls
// poll_event() until it returns nothing. poll_event() never blocks.
//
// Threading: used from one thread only, the one that launched or attached (ptrace answers only
// that thread).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "platform/process.hpp"

namespace rspstub::platform {

// Why a thread stopped, as far as the backend can tell.
enum class StopReason : std::uint8_t {
  signal,       // a signal arrived for the thread (see StopEvent::signal)
  breakpoint,   // it hit one of our software breakpoints; its PC is already the breakpoint address
  hw_breakpoint,  // a hardware execution breakpoint (Z1)
  watchpoint,   // a hardware watchpoint (Z2-Z4) fired; see watch_address
  single_step,  // a step request completed
  interrupt,    // interrupt() stopped it (reported with signal SIGINT = 2)
  exec,         // it called execve
};

enum class WatchKind : std::uint8_t { write, read, access };

struct StopEvent {
  enum class Kind : std::uint8_t {
    stopped,    // the process is stopped (all threads); tid/signal/reason say which and why
    exited,     // the process exited with exit_code; it is gone
    signalled,  // the process was killed by `signal`; it is gone
  };
  Kind kind = Kind::stopped;
  int tid = 0;     // stopped: the thread that reports; exited/signalled: the pid
  int signal = 0;  // stopped: the signal (SIGTRAP for breakpoints and steps); signalled: the killer
  int exit_code = 0;
  StopReason reason = StopReason::signal;
  std::uint64_t watch_address = 0;  // watchpoint: the watched address that was hit
  WatchKind watch_kind = WatchKind::write;
};

// One thread's part of a resume (vCont). tid == -1: every thread no other action names.
struct ResumeAction {
  enum class Kind : std::uint8_t { cont, step, stay_stopped };
  int tid = -1;
  Kind kind = Kind::cont;
  int signal = 0;  // delivered on resume (C/S); 0 = none. The signal the thread stopped with is
                   // NOT re-delivered unless named here (gdb/lldb semantics).
};

// The most software breakpoints that can exist at once: the table stays small however many
// distinct addresses a client sends (gdb and lldb use a few dozen; beyond: invalid_argument).
inline constexpr std::size_t kMaxSoftwareBreakpoints = 4096;

// Z packet types 0-4.
enum class BreakpointType : std::uint8_t {
  software = 0,
  hardware = 1,
  write_watch = 2,
  read_watch = 3,
  access_watch = 4,
};

class Debuggee : public Process {
 public:
  // True while every thread is stopped (after launch or attach, and after a stop event until the
  // next resume).
  virtual bool stopped() const noexcept = 0;

  // Resumes the process. A thread named by several actions takes the first. At most one thread may
  // step; the others then stay stopped or continue as their action says. Fails with
  // invalid_argument (bad action), no_such_thread, process_gone, not_supported (not stopped).
  virtual Error resume(std::span<const ResumeAction> actions) = 0;

  // Asks the running process to stop; the stop arrives from poll_event() with reason interrupt
  // and signal 2 (SIGINT). Harmless when it is already stopped or gone.
  virtual Error interrupt() = 0;

  // Collects what the OS has reported, without blocking. Returns an event once the process has
  // stopped as a whole (all threads) or ended, nothing otherwise. Signals set by
  // set_pass_signals() are delivered to the target without an event. After exited/signalled,
  // every call returns nothing and alive() is false.
  virtual std::optional<StopEvent> poll_event() = 0;

  // Writes a thread's registers: only those marked valid in `regs`. Needs stopped().
  virtual Error write_registers(int tid, const x86_64::Registers& regs) = 0;

  // Inserts/removes a breakpoint or watchpoint (Z/z semantics; `length` is the packet's kind
  // field: ignored for software breakpoints on x86, 1/2/4/8 for watchpoints). Software
  // breakpoints are invisible to read_memory (reads show the original bytes), and a write_memory
  // over one updates the saved original bytes while the int3 stays in place. Inserting one that
  // exists, or removing one that does not, is OK (both clients may repeat themselves).
  // Errors: not_supported (this type is not available), invalid_argument (this address/length
  // cannot be watched, every hardware slot is taken, or kMaxSoftwareBreakpoints software
  // breakpoints exist already), no_memory/permission (cannot patch).
  virtual Error insert_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) = 0;
  virtual Error remove_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) = 0;

  // Removes every breakpoint and watchpoint, keeping the process as it is (the debugger that set
  // them has gone; the next one knows none of them). A stop that a software breakpoint caused
  // and that was not reported yet is dropped (the thread's PC is back on the instruction).
  // Needs stopped(): not_supported while running.
  virtual Error remove_all_breakpoints() = 0;

  // How many hardware watchpoints can exist at once (x86-64: 4 debug registers, shared with
  // hardware breakpoints).
  virtual unsigned hardware_watchpoint_slots() const noexcept = 0;

  // The siginfo_t of the signal the thread last stopped with, as the target's ABI lays it out
  // (128 bytes on Linux x86-64). not_supported when it did not stop with a signal.
  virtual Result<std::vector<std::byte>> siginfo(int tid) = 0;

  // Signals delivered straight to the target without a stop (QPassSignals). Replaces the set.
  virtual void set_pass_signals(std::span<const int> signals) = 0;

  // Removes every breakpoint and watchpoint, then lets the process run on without us; optionally
  // delivering `signal`. Afterwards the Debuggee is gone (alive() false, calls fail process_gone).
  virtual Error detach(int signal = 0) = 0;

  // Kills the process (SIGKILL) and reaps it. Afterwards alive() is false. Does not produce an
  // event from poll_event().
  virtual Error kill() = 0;
};

// How to start a program under control.
struct LaunchSpec {
  std::vector<std::string> argv;                 // argv[0] is the program (searched in PATH if it has no '/')
  std::optional<std::vector<std::string>> env;   // "NAME=value"; nullopt = the stub's own environment
  std::string working_dir;                       // empty = the stub's
  bool disable_aslr = false;                     // personality(ADDR_NO_RANDOMIZE)
  bool use_shell = false;                        // run through $SHELL -c 'exec prog args' (gdb's startup-with-shell)
};

// Starts the program stopped at its first instruction (after execve: the dynamic loader's entry),
// with the main thread reporting a SIGTRAP stop. Fails with not_found-like errors as
// Error::invalid_argument plus `message` ("cannot execute ./x: No such file or directory").
Result<std::unique_ptr<Debuggee>> launch(const LaunchSpec& spec, std::string& message);

// Attaches to a running process and stops every thread of it.
Result<std::unique_ptr<Debuggee>> attach_and_stop(int pid);

// The signal the OS raises when any debuggee has news (SIGCHLD on POSIX); 0 = none, poll instead.
int debuggee_event_signal() noexcept;

}  // namespace rspstub::platform
