// The one thread that talks to the Win32 Debug API. Windows delivers a debuggee's events only to
// the thread that created or attached it, and ContinueDebugEvent / DebugActiveProcessStop must
// come from that thread too; the stub's event loop must never block in WaitForDebugEvent. So a
// dedicated thread owns the debuggee: it runs the start (CreateProcess / DebugActiveProcess) and
// any other Debug API call it is given, waits for events, and posts each one. While an event is
// posted and not yet continued, Windows keeps every thread of the debuggee frozen.
#pragma once

#include <windows.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

namespace rspstub::platform::windows_backend {

class DebugThread {
 public:
  DebugThread();
  ~DebugThread();  // ends the thread (the caller has detached or killed the debuggee first)
  DebugThread(const DebugThread&) = delete;
  DebugThread& operator=(const DebugThread&) = delete;

  // Runs `call` on the debug thread and returns its result. A call that starts debugging
  // (CreateProcess, DebugActiveProcess) returning true makes the thread wait for events.
  bool run(const std::function<bool()>& call, bool starts_debugging = false);

  // The next posted event: without waiting (timeout 0), or waiting up to `timeout_ms`.
  std::optional<DEBUG_EVENT> next_event(DWORD timeout_ms = 0);

  // Continues the outstanding event with `status` (DBG_CONTINUE, DBG_EXCEPTION_NOT_HANDLED).
  // After an EXIT_PROCESS event the thread stops waiting for events.
  void continue_event(const DEBUG_EVENT& event, DWORD status);

  // Continues `outstanding` (if any) with `status` and stops debugging process `pid`
  // (DebugActiveProcessStop), in one go, so no further event is taken in between.
  bool detach(const std::optional<DEBUG_EVENT>& outstanding, DWORD status, DWORD pid);

 private:
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_;      // the debug thread: a call, a continue or the end
  std::condition_variable posted_;    // the caller: an event or a call's result
  std::deque<std::function<void()>> calls_;
  std::deque<DEBUG_EVENT> events_;
  bool debugging_ = false;   // a debuggee is attached: wait for its events
  bool outstanding_ = false; // an event was posted and not continued yet
  bool quit_ = false;
  std::thread thread_;
};

}  // namespace rspstub::platform::windows_backend
