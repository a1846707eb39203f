// What the server serves, shared by every connection:
//   - nothing yet (a later --multi starts or attaches on the client's request),
//   - an inspected Process (--no-stop: never stopped, never written), or
//   - a controlled platform::Debuggee (launched or attached and stopped: run control).
// Handlers always get a Process: a null object answering process_gone when there is none.
// The Target also remembers the last stop (what `?` reports), whether the process is running on
// a client's resume, and whether its end (exit, kill, detach) has been told to a client.
//
// The Target does not own the process: main.cpp (or a test) keeps it alive.
#pragma once

#include <optional>

#include "platform/debuggee.hpp"
#include "platform/process.hpp"

namespace rspstub::stub {

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
  // was reported.
  bool finished() const noexcept;

 private:
  platform::Process* process_;
  platform::Debuggee* debuggee_ = nullptr;
  std::optional<platform::StopEvent> last_stop_;
  bool running_ = false;
  bool launched_ = false;
  bool end_reported_ = false;
};

}  // namespace rspstub::stub
