// Runs a launched program at full speed until it ends or fails (rspstub --on-failure's first
// phase). Events come the way the server gets them: platform::debuggee_event_signal() (SIGCHLD)
// wakes an Asio loop that drains Debuggee::poll_event(). Signals the program may survive are set
// as pass signals (delivered by the backend without an event); a core-dumping signal stops it
// and is looked at: handled or ignored -> delivered, and it runs on; otherwise it is a failure.
#pragma once

#include <boost/asio.hpp>

#include "platform/debuggee.hpp"

namespace rspstub::stub {

struct WatchResult {
  enum class Kind {
    ended,        // the program exited or was killed by a signal it could not be saved from
    failed,       // it is stopped, about to die from `stop.signal`, or it timed out
    interrupted,  // rspstub itself got SIGINT/SIGTERM/SIGHUP (`signal`); the program runs on
  };
  Kind kind = Kind::ended;
  int exit_status = 0;          // ended: its exit code, or 128 + the signal that killed it
  platform::StopEvent stop;     // failed: the stop (tid, signal)
  bool timed_out = false;       // failed: it ran past the timeout (stop.reason == interrupt)
  int signal = 0;               // interrupted: the signal rspstub got
};

class FailureWatch {
 public:
  // Listens for the event signal from now on: create it before launching, so no event is lost.
  FailureWatch();

  // Resumes the stopped program and returns once it ended or failed. timeout_seconds 0: none.
  WatchResult run(platform::Debuggee& program, unsigned timeout_seconds);

 private:
  void wait_for_events();
  void drain();
  void handle(const platform::StopEvent& ev);
  void resume(int tid, int signal);
  void finish(WatchResult result);

  boost::asio::io_context io_{1};
  boost::asio::signal_set events_{io_};
  boost::asio::signal_set termination_{io_};  // platform::termination_signals()
  boost::asio::steady_timer poll_timer_{io_};  // where there is no event signal
  boost::asio::steady_timer timeout_{io_};
  platform::Debuggee* program_ = nullptr;
  bool timed_out_ = false;
  bool done_ = false;
  WatchResult result_;
};

}  // namespace rspstub::stub
