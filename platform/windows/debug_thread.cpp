#include "platform/windows/debug_thread.hpp"

namespace rspstub::platform::windows_backend {

namespace {
// How long one WaitForDebugEvent waits before the thread looks at its queue of calls again.
constexpr DWORD kWaitSliceMs = 10;
}  // namespace

DebugThread::DebugThread() : thread_([this] { loop(); }) {}

DebugThread::~DebugThread() {
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

bool DebugThread::run(const std::function<bool()>& call, bool starts_debugging) {
  std::unique_lock lock(mutex_);
  bool done = false;
  bool result = false;
  calls_.push_back([&] {
    result = call();
    std::lock_guard inner(mutex_);
    if (result && starts_debugging) debugging_ = true;
    done = true;
  });
  wake_.notify_all();
  posted_.wait(lock, [&] { return done; });
  return result;
}

std::optional<DEBUG_EVENT> DebugThread::next_event(DWORD timeout_ms) {
  std::unique_lock lock(mutex_);
  if (events_.empty() && timeout_ms > 0)
    posted_.wait_for(lock, std::chrono::milliseconds(timeout_ms), [&] { return !events_.empty(); });
  if (events_.empty()) return std::nullopt;
  DEBUG_EVENT ev = events_.front();
  events_.pop_front();
  return ev;
}

void DebugThread::continue_event(const DEBUG_EVENT& event, DWORD status) {
  const DWORD pid = event.dwProcessId;
  const DWORD tid = event.dwThreadId;
  const bool last = event.dwDebugEventCode == EXIT_PROCESS_DEBUG_EVENT;
  run([=, this] {
    ::ContinueDebugEvent(pid, tid, status);
    std::lock_guard lock(mutex_);
    outstanding_ = false;
    if (last) debugging_ = false;
    return true;
  });
}

bool DebugThread::detach(const std::optional<DEBUG_EVENT>& outstanding, DWORD status, DWORD pid) {
  return run([=, this] {
    if (outstanding) ::ContinueDebugEvent(outstanding->dwProcessId, outstanding->dwThreadId, status);
    ::DebugSetProcessKillOnExit(FALSE);
    const bool stopped = ::DebugActiveProcessStop(pid) != 0;
    std::lock_guard lock(mutex_);
    outstanding_ = false;
    debugging_ = false;
    events_.clear();
    return stopped;
  });
}

void DebugThread::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    while (!calls_.empty()) {
      auto call = std::move(calls_.front());
      calls_.pop_front();
      lock.unlock();
      call();  // takes the lock itself to publish its result
      lock.lock();
      posted_.notify_all();
    }
    if (quit_) return;
    if (!debugging_ || outstanding_) {
      wake_.wait(lock, [&] { return quit_ || !calls_.empty(); });
      continue;
    }
    lock.unlock();
    DEBUG_EVENT ev{};
    const bool got = ::WaitForDebugEvent(&ev, kWaitSliceMs) != 0;
    lock.lock();
    if (got) {
      events_.push_back(ev);
      outstanding_ = true;
      posted_.notify_all();
    }
  }
}

}  // namespace rspstub::platform::windows_backend
