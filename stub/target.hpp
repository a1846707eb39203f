// What the server serves, shared by every connection:
//   - nothing yet (--multi: a client starts or attaches with vRun/vAttach),
//   - an inspected Process (--no-stop: never stopped, never written), or
//   - a controlled platform::Debuggee (launched or attached and stopped: run control).
// Handlers always get a Process: a null object answering process_gone when there is none.
// The Target also remembers the last stop (what `?` reports), whether the process is running on
// a client's resume, and whether its end (exit, kill, detach) has been told to a client.
//
// Outside extended mode the Target does not own the process: main.cpp (or a test) keeps it
// alive. In extended mode (--multi) it owns the processes that vRun/vAttach (or main) hand it,
// one at a time, and the server outlives each of them.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "platform/debuggee.hpp"
#include "platform/process.hpp"
#include "stub/launch_settings.hpp"
#include "stub/process_source.hpp"

namespace rspstub::stub {

// Lets go of a process at the end: one we started is killed, one we attached to is detached
// (interrupted first if it runs: detaching needs it stopped). Harmless when it is gone.
void release_debuggee(platform::Debuggee& d, bool launched);

class Target {
 public:
  Target();                                           // nothing to serve
  explicit Target(platform::Process& inspected);      // --no-stop
  // `initial` is how the process stopped when we took it (launch: SIGTRAP; attach: signal 0).
  Target(platform::Debuggee& controlled, const platform::StopEvent& initial);

  platform::Process& process() noexcept { return *process_; }
  platform::Debuggee* debuggee() noexcept { return debuggee_; }
  bool inspection_only() const noexcept { return debuggee_ == nullptr; }

  // The last stop (or exit) of the controlled process; nullopt in inspection mode.
  const std::optional<platform::StopEvent>& last_stop() const noexcept { return last_stop_; }
  void record_event(const platform::StopEvent& event);

  // Launched by us (killed when we end, qAttached 0) or attached to (detached, qAttached 1).
  bool launched() const noexcept { return launched_; }
  void set_launched(bool launched) noexcept { launched_ = launched; }

  // True from a successful resume until the next event.
  bool running() const noexcept { return running_; }
  void set_running() noexcept { running_ = true; }

  // The process is no longer ours (exited, killed, detached) and a client has been told so.
  // In non-multi mode the server then ends once that client leaves.
  bool end_reported() const noexcept { return end_reported_; }
  void set_end_reported() noexcept { end_reported_ = true; }

  // Nothing left to serve: inspection mode once the process is gone; control mode once its end
  // was reported. Never in extended mode.
  bool finished() const noexcept;

  // --- extended mode (--multi) ---
  // From now on the server outlives each process; vRun/vAttach get processes from `source`.
  void enable_extended(ProcessSource& source) noexcept { source_ = &source; }
  bool extended() const noexcept { return source_ != nullptr; }
  ProcessSource* process_source() noexcept { return source_; }
  LaunchSettings& launch_settings() noexcept { return settings_; }
  // The program (and arguments) run last: what a vRun with an empty program runs again.
  const std::vector<std::string>& last_program() const noexcept { return last_program_; }
  void set_last_program(std::vector<std::string> argv) { last_program_ = std::move(argv); }
  // Serves `d` from now on (stopped as `initial` says), after releasing the current process.
  void adopt(std::unique_ptr<platform::Debuggee> d, const platform::StopEvent& initial,
             bool launched);
  // Releases the owned process (release_debuggee) and serves nothing until the next adopt().
  void release_process();
  // Signals passed to the target without a stop (QPassSignals), kept for the next process.
  void set_pass_signals(std::vector<int> signals);

 private:
  platform::Process* process_;
  platform::Debuggee* debuggee_ = nullptr;
  std::optional<platform::StopEvent> last_stop_;
  bool running_ = false;
  bool launched_ = false;
  bool end_reported_ = false;
  ProcessSource* source_ = nullptr;
  LaunchSettings settings_;
  std::vector<std::string> last_program_;
  std::unique_ptr<platform::Debuggee> owned_;
  std::vector<int> pass_signals_;
};

}  // namespace rspstub::stub
