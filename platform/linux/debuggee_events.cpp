// LinuxDebuggee's event engine: waitpid statuses -> stops, the all-stop dance, resume with
// stepping over our own breakpoints, interrupt.
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstddef>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "platform/linux/debuggee_linux.hpp"
#include "platform/linux/proc_file.hpp"
#include "platform/linux/proc_liveness.hpp"

namespace rspstub::platform::linux_backend {
namespace {

constexpr int kSiKernel = 0x80;  // SI_KERNEL: what an int3 in user space reports
constexpr int kTrapBrkpt = 1;    // TRAP_BRKPT
constexpr int kTrapTrace = 2;    // TRAP_TRACE: a single step
constexpr int kTrapHwBkpt = 4;   // TRAP_HWBKPT: a debug register fired
constexpr std::uint64_t kDr6SingleStep = 1ULL << 14;  // DR6.BS

constexpr std::size_t debugreg_offset(unsigned i) {
  return offsetof(struct user, u_debugreg) + i * sizeof(unsigned long);
}

StopEvent stop_of(int tid, int signal, StopReason reason) {
  StopEvent ev;
  ev.kind = StopEvent::Kind::stopped;
  ev.tid = tid;
  ev.signal = signal;
  ev.reason = reason;
  return ev;
}

// True if the thread has exited (zombie or no longer listed) as /proc sees it.
bool thread_dead(int pid, int tid) noexcept {
  char path[64];
  std::snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
  FILE* f = std::fopen(path, "re");
  if (!f) return true;
  char buf[256];
  const std::size_t n = std::fread(buf, 1, sizeof buf, f);
  std::fclose(f);
  const char state = state_from_stat(std::string_view(buf, n));
  return state == 'Z' || state == 'X' || state == 0;
}

}  // namespace

// True if SIGTRAP is queued for the thread itself (/proc/PID/task/TID/status, SigPnd).
bool LinuxDebuggee::sigtrap_queued(int tid) const {
  std::string text;
  if (read_whole_file("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(tid) + "/status",
                      text) != 0)
    return false;
  const auto at = text.find("SigPnd:");
  if (at == std::string::npos) return false;
  const char* p = text.data() + at + 7;
  const char* end = text.data() + text.size();
  while (p < end && (*p == ' ' || *p == '\t')) ++p;
  std::uint64_t mask = 0;
  std::from_chars(p, end, mask, 16);
  return (mask >> (SIGTRAP - 1)) & 1;
}

void LinuxDebuggee::wait_pause() noexcept {
  // Nothing came from any thread: give the kernel a moment (the stops asked for take
  // microseconds; this loop only runs while waiting for them).
  timespec ts{0, 200'000};
  ::nanosleep(&ts, nullptr);
}

bool LinuxDebuggee::run_thread(Thread& t, bool step, int sig) noexcept {
  const long r = ::ptrace(step ? PTRACE_SINGLESTEP : PTRACE_CONT, t.tid, nullptr,
                          reinterpret_cast<void*>(static_cast<long>(sig)));
  t.has_siginfo = false;
  t.stepping = step;
  // Even when it failed (ESRCH: it is dying), the thread is no longer stopped: its exit will be
  // collected by waitpid.
  t.state = Thread::State::running;
  return r == 0;
}

void LinuxDebuggee::mark_if_dead(Thread& t) noexcept {
  if (t.state == Thread::State::running && thread_dead(pid_, t.tid)) {
    t.state = Thread::State::zombie;
    t.interrupt_sent = false;
  }
}

StopEvent LinuxDebuggee::ended(const StopEvent& end) {
  end_ = end;
  gone_ = true;
  // Reap whatever thread statuses are left (they were ours to collect).
  for (Thread& t : threads_) {
    if (t.state != Thread::State::gone && t.tid != pid_) {
      int status = 0;
      ::waitpid(t.tid, &status, __WALL | WNOHANG);
    }
    t.state = Thread::State::gone;
  }
  return end;
}

void LinuxDebuggee::after_exec() {
  // The process has a new address space: our breakpoints went with the old one, and the kernel
  // has cleared the debug registers. Only the thread that called execve is left, as the leader.
  breakpoints_.clear();
  debug_regs_.clear();
  for (Thread& t : threads_) {
    if (t.tid == pid_) continue;
    int status = 0;
    ::waitpid(t.tid, &status, __WALL | WNOHANG);  // their exits, if already there
    t.state = Thread::State::gone;
  }
  if (auto fresh = LinuxProcess::attach(pid_)) inner_ = std::move(*fresh);
}

std::optional<StopEvent> LinuxDebuggee::classify_trap(Thread& t) {
  const bool was_stepping = t.stepping;
  t.stepping = false;
  const int code = t.info.si_code;
  // An int3 reports SI_KERNEL; a step over a system call instruction reports TRAP_BRKPT.
  if (code == kSiKernel || (code == kTrapBrkpt && !was_stepping)) {
    std::uint64_t pc = 0;
    if (get_pc(t.tid, pc) && breakpoints_.contains(pc - 1)) {
      set_pc(t.tid, pc - 1);
      return stop_of(t.tid, SIGTRAP, StopReason::breakpoint);
    }
  }
  if (code == kTrapHwBkpt || code == kTrapTrace) {
    errno = 0;
    const long dr6 = ::ptrace(PTRACE_PEEKUSER, t.tid, debugreg_offset(6), nullptr);
    if (errno == 0) {
      ::ptrace(PTRACE_POKEUSER, t.tid, debugreg_offset(6), 0L);
      if (auto slot = debug_regs_.fired(static_cast<std::uint64_t>(dr6))) {
        const auto& s = debug_regs_.slot(*slot);
        if (s.type == BreakpointType::hardware) return stop_of(t.tid, SIGTRAP, StopReason::hw_breakpoint);
        StopEvent ev = stop_of(t.tid, SIGTRAP, StopReason::watchpoint);
        ev.watch_address = s.addr;
        ev.watch_kind = s.type == BreakpointType::write_watch  ? WatchKind::write
                        : s.type == BreakpointType::read_watch ? WatchKind::read
                                                               : WatchKind::access;
        return ev;
      }
      if (was_stepping && (code == kTrapTrace || (dr6 & kDr6SingleStep)))
        return stop_of(t.tid, SIGTRAP, StopReason::single_step);
    }
  }
  if (was_stepping && code != SI_USER && code != SI_TKILL && code != SI_QUEUE)
    return stop_of(t.tid, SIGTRAP, StopReason::single_step);
  return stop_of(t.tid, SIGTRAP, StopReason::signal);  // a SIGTRAP of the program's own
}

std::optional<StopEvent> LinuxDebuggee::classify(std::size_t index, int status) {
  Thread& t = threads_[index];
  if (WIFEXITED(status) || WIFSIGNALED(status)) {
    if (t.tid != pid_) {
      t.state = Thread::State::gone;
      return std::nullopt;
    }
    StopEvent end;
    end.tid = pid_;
    if (WIFEXITED(status)) {
      end.kind = StopEvent::Kind::exited;
      end.exit_code = WEXITSTATUS(status);
    } else {
      end.kind = StopEvent::Kind::signalled;
      end.signal = WTERMSIG(status);
    }
    return ended(end);
  }
  if (!WIFSTOPPED(status)) return std::nullopt;
  t.state = Thread::State::stopped;
  const int sig = WSTOPSIG(status);
  const int event = status >> 16;
  const int tid = t.tid;
  const bool step = t.stepping;

  if (event == PTRACE_EVENT_CLONE) {
    unsigned long new_tid = 0;
    if (::ptrace(PTRACE_GETEVENTMSG, tid, nullptr, &new_tid) == 0 && new_tid > 0 &&
        !find(static_cast<int>(new_tid))) {
      Thread fresh;
      fresh.tid = static_cast<int>(new_tid);
      fresh.state = Thread::State::running;  // until its first stop shows up
      fresh.first_stop = true;
      threads_.push_back(fresh);  // invalidates `t`
    }
    if (!stopping_) run_thread(threads_[index], step, 0);
    return std::nullopt;
  }
  if (event == PTRACE_EVENT_EXEC) {
    t.stepping = false;
    t.interrupt_sent = false;
    t.has_siginfo = false;
    after_exec();
    return stop_of(pid_, SIGTRAP, StopReason::exec);
  }
  if (event == PTRACE_EVENT_STOP) {
    t.has_siginfo = false;
    if (t.first_stop) {
      // A new thread: give it the debug registers, then let it run unless all are stopping.
      t.first_stop = false;
      if (debug_regs_.any()) apply_debug_registers(t);
      if (!stopping_) run_thread(t, false, 0);
      return std::nullopt;
    }
    if (t.interrupt_sent) {
      t.interrupt_sent = false;
      if (user_interrupt_ && !stopping_) {
        user_interrupt_ = false;
        t.stepping = false;
        return stop_of(tid, SIGINT, StopReason::interrupt);
      }
      // One of the stops stop_others() asked for; or one it asked for earlier that stayed
      // queued because the thread stopped for something else first (a clone event), now met
      // after the resume: nobody waits for that one, so the thread goes on as it was resumed
      // (left stopped, a thread stepped alone would never report its step).
      if (!stopping_) run_thread(t, step, 0);
      return std::nullopt;
    }
    t.stale_interrupt = false;
    // A stale interrupt stop (its thread stopped for something else first) or a group stop:
    // nobody is waiting for it.
    if (!stopping_) run_thread(t, step, 0);
    return std::nullopt;
  }
  if (event != 0) {  // an event we did not ask for
    if (!stopping_) run_thread(t, step, 0);
    return std::nullopt;
  }

  // A signal-delivery stop. An interrupt sent before usually stays queued in the kernel: it
  // would stop the thread again as soon as it runs (see stop_others(), which also copes with
  // the case where this stop cleared it).
  if (std::exchange(t.interrupt_sent, false)) t.stale_interrupt = true;
  t.has_siginfo = ::ptrace(PTRACE_GETSIGINFO, tid, nullptr, &t.info) == 0;
  if (sig == SIGTRAP && t.has_siginfo) return classify_trap(t);
  t.stepping = false;
  if (sig > 0 && sig < static_cast<int>(pass_signals_.size()) && pass_signals_.test(static_cast<std::size_t>(sig))) {
    if (stopping_)
      t.deliver_signal = sig;
    else
      run_thread(t, step, sig);
    return std::nullopt;
  }
  return stop_of(tid, sig, StopReason::signal);
}

std::optional<StopEvent> LinuxDebuggee::poll_round(bool& progress) {
  progress = false;
  for (std::size_t i = 0; i < threads_.size(); ++i) {  // classify() may add threads
    if (threads_[i].state == Thread::State::gone) continue;
    int status = 0;
    const pid_t r = ::waitpid(threads_[i].tid, &status, __WALL | WNOHANG);
    if (r == 0) continue;
    if (r < 0) {
      if (errno == EINTR) continue;
      // ECHILD: not ours to wait for any more (reaped elsewhere).
      if (threads_[i].tid == pid_) {
        StopEvent end;
        end.kind = StopEvent::Kind::exited;
        end.tid = pid_;
        progress = true;
        return ended(end);
      }
      threads_[i].state = Thread::State::gone;
      progress = true;
      continue;
    }
    progress = true;
    if (auto ev = classify(i, status)) return ev;
  }
  // Nothing came while the leader is dead: it waits for the other threads to be collected, some
  // of which we may never have heard of (killed before their clone event could be reported).
  if (!progress && !process_exists(pid_)) track_unknown_threads();
  return std::nullopt;
}

void LinuxDebuggee::track_unknown_threads() {
  std::vector<std::string> names;
  if (list_directory("/proc/" + std::to_string(pid_) + "/task", names) != 0) return;
  for (const std::string& name : names) {
    int tid = 0;
    const auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), tid);
    if (ec != std::errc{} || end != name.data() + name.size()) continue;
    bool known = false;
    for (const Thread& t : threads_) known = known || (t.tid == tid && t.state != Thread::State::gone);
    if (known) continue;
    Thread fresh;
    fresh.tid = tid;
    fresh.state = Thread::State::running;
    fresh.first_stop = true;  // traced by the kernel for us; its first stop (if any) is a new thread's
    threads_.push_back(fresh);
  }
}

std::optional<StopEvent> LinuxDebuggee::stop_others() {
  stopping_ = true;
  for (Thread& t : threads_) {
    if (t.state != Thread::State::running || t.interrupt_sent || t.first_stop) continue;
    if (::ptrace(PTRACE_INTERRUPT, t.tid, nullptr, nullptr) == 0)
      t.interrupt_sent = true;
    else
      mark_if_dead(t);
  }
  std::optional<StopEvent> end;
  int idle_rounds = 0;
  int trap_passes = 0;
  std::vector<int> dropped;  // threads whose breakpoint stop was dropped (no signal to keep)
  for (;;) {
    bool waiting = false;
    for (Thread& t : threads_) {
      if (t.state != Thread::State::running) continue;
      waiting = true;
      // A thread that stopped for something else and was resumed by classify() (a new thread,
      // a pass signal outside stopping_) cannot happen here, but a clone's child can appear:
      if (!t.interrupt_sent && !t.first_stop) {
        if (::ptrace(PTRACE_INTERRUPT, t.tid, nullptr, nullptr) == 0) t.interrupt_sent = true;
      }
    }
    if (!waiting) {
      // A thread interrupted just after it executed an int3 stops with the SIGTRAP still
      // queued; left there it would surface later (after a detach: kill the process). Let such
      // threads take their SIGTRAP now: it is collected (a breakpoint: rewound and dropped).
      // Likewise a thread whose interrupt is still queued (it stopped for a breakpoint that was
      // dropped) takes that interrupt stop now, instead of stalling right after the next resume.
      bool resumed = false;
      for (Thread& t : threads_) {
        if (trap_passes >= 3 || t.state != Thread::State::stopped || t.pending) continue;
        if (t.stale_interrupt &&
            std::find(dropped.begin(), dropped.end(), t.tid) != dropped.end()) {
          t.stale_interrupt = false;
          run_thread(t, false, 0);
          t.interrupt_sent = true;
          resumed = true;
        } else if (!t.has_siginfo && sigtrap_queued(t.tid)) {
          run_thread(t, false, 0);
          resumed = true;
        }
      }
      ++trap_passes;
      if (!resumed) break;
      continue;
    }
    bool progress = false;
    auto ev = poll_round(progress);
    if (ev) {
      if (end_) {
        end = ev;
        break;
      }
      Thread* t = find(ev->tid);
      // A breakpoint hit meanwhile is dropped: its PC is back on the int3, it will hit again.
      if (t && ev->reason == StopReason::breakpoint) dropped.push_back(t->tid);
      if (t && ev->reason != StopReason::breakpoint && !t->pending) t->pending = ev;
    }
    if (!progress) {
      // Now and then (every 50 rounds, about 10 ms), for a thread that has not stopped:
      // - it may have exited behind our back (a leader waiting for the others, a thread in the
      //   middle of exiting): look at it in /proc;
      // - its interrupt may be lost: the kernel clears a pending interrupt whenever the thread
      //   enters any ptrace stop, so one that reached it just before a breakpoint's signal stop
      //   is gone, and a thread resumed to take that "stale" interrupt would run on forever.
      //   Asking again is harmless: a thread has at most one interrupt pending.
      if (++idle_rounds % 50 == 0)
        for (Thread& t : threads_) {
          mark_if_dead(t);
          if (t.state == Thread::State::running && t.interrupt_sent && !t.first_stop)
            ::ptrace(PTRACE_INTERRUPT, t.tid, nullptr, nullptr);
        }
      wait_pause();
    }
  }
  stopping_ = false;
  return end;
}

Error LinuxDebuggee::adopt_running(const std::vector<int>& tids) {
  for (int tid : tids) {
    Thread t;
    t.tid = tid;
    t.state = Thread::State::running;
    t.interrupt_sent = true;
    threads_.push_back(t);
  }
  stopped_ = false;
  if (stop_others()) return Error::process_gone;
  stopped_ = true;
  return Error::none;
}

std::optional<StopEvent> LinuxDebuggee::poll_event() {
  if (end_) {
    if (end_reported_) return std::nullopt;
    end_reported_ = true;
    return end_;
  }
  if (gone_) return std::nullopt;
  if (deferred_) {
    deferred_ = false;
    for (Thread& t : threads_) {
      if (live(t) && t.pending) {
        StopEvent ev = *t.pending;
        t.pending.reset();
        stopped_ = true;
        return ev;
      }
    }
  }
  bool progress = false;
  auto ev = poll_round(progress);
  if (!ev) return std::nullopt;
  if (end_) {
    end_reported_ = true;
    return ev;
  }
  if (auto end = stop_others()) {
    end_reported_ = true;
    return end;
  }
  user_interrupt_ = false;  // whatever stop came, the process is stopped as asked
  stopped_ = true;
  return ev;
}

Error LinuxDebuggee::interrupt() {
  if (gone_ || stopped_) return Error::none;
  user_interrupt_ = true;
  for (Thread& t : threads_) {
    if (t.state != Thread::State::running || t.first_stop) continue;
    if (t.interrupt_sent) return Error::none;  // already on its way
    if (::ptrace(PTRACE_INTERRUPT, t.tid, nullptr, nullptr) == 0) {
      t.interrupt_sent = true;
      return Error::none;
    }
    mark_if_dead(t);
  }
  return Error::none;
}

std::optional<StopEvent> LinuxDebuggee::step_over_breakpoint(std::size_t index, int sig, bool& stepped) {
  stepped = false;
  const std::uint64_t bp_addr = [&] {
    std::uint64_t pc = 0;
    return get_pc(threads_[index].tid, pc) ? pc : 0;
  }();
  const auto* entry = breakpoints_.find(bp_addr);
  if (!entry) return std::nullopt;
  const std::byte original = entry->original;
  raw_write(bp_addr, std::span(&original, 1));
  const int tid = threads_[index].tid;
  stopping_ = true;  // nobody else runs: whatever else stops stays stopped
  run_thread(threads_[index], true, sig);
  std::optional<StopEvent> result;
  for (;;) {
    bool progress = false;
    auto ev = poll_round(progress);
    if (end_) {
      result = end_;
      break;
    }
    Thread* t = find(tid);
    if (!t) break;  // it exited (only it ran: nothing else to report)
    if (ev && ev->tid != tid) {
      Thread* other = find(ev->tid);
      if (other && !other->pending) other->pending = ev;
    } else if (ev) {
      if (ev->reason == StopReason::single_step) stepped = true;
      else result = ev;
    }
    if (t->state == Thread::State::stopped) break;
    if (!progress) {
      mark_if_dead(*t);
      if (t->state != Thread::State::running) break;
      wait_pause();
    }
  }
  stopping_ = false;
  if (!end_ && breakpoints_.contains(bp_addr)) raw_write(bp_addr, std::span(&kInt3, 1));
  return result;
}

Error LinuxDebuggee::resume(std::span<const ResumeAction> actions) {
  if (gone_) return Error::process_gone;
  if (!stopped_) return Error::not_supported;
  // Check every action before doing anything.
  int steppers = 0;
  for (const ResumeAction& a : actions) {
    if (a.signal < 0 || a.signal >= 65) return Error::invalid_argument;
    if (a.tid != -1 && (a.tid <= 0 || !find(a.tid))) return Error::no_such_thread;
    if (a.kind == ResumeAction::Kind::step) ++steppers;
  }
  if (steppers > 1) return Error::invalid_argument;
  auto action_for = [&](int tid) -> const ResumeAction* {
    for (const ResumeAction& a : actions)
      if (a.tid == tid) return &a;
    for (const ResumeAction& a : actions)
      if (a.tid == -1) return &a;
    return nullptr;
  };

  stopped_ = false;
  // A stop collected earlier goes first: nothing runs, it is reported by the next poll_event().
  auto defer = [&] {
    for (Thread& t : threads_) {
      const ResumeAction* a = live(t) ? action_for(t.tid) : nullptr;
      if (a && a->signal != 0 && !t.pending) t.deliver_signal = a->signal;
    }
    deferred_ = true;
    return Error::none;
  };
  for (const Thread& t : threads_)
    if (live(t) && t.pending) return defer();

  // Threads sitting on one of our breakpoints step over it alone first (with their signal).
  std::vector<int> signalled;
  for (std::size_t i = 0; i < threads_.size(); ++i) {
    // step_over_breakpoint() may add threads (a clone): hold the tid, not a reference.
    const int tid = threads_[i].tid;
    if (threads_[i].state != Thread::State::stopped) continue;
    const ResumeAction* a = action_for(tid);
    if (!a || a->kind == ResumeAction::Kind::stay_stopped) continue;
    std::uint64_t pc = 0;
    if (!get_pc(tid, pc) || !breakpoints_.contains(pc)) continue;
    int sig = a->signal != 0 ? a->signal : std::exchange(threads_[i].deliver_signal, 0);
    bool stepped = false;
    std::optional<StopEvent> ev;
    // The step may end early without moving (a pass signal or a clone event came first): then
    // the thread is still on the int3, so try again, with that signal.
    for (int attempt = 0; attempt < 4 && !stepped && !ev && !end_; ++attempt) {
      ev = step_over_breakpoint(i, sig, stepped);
      Thread* t = find(tid);
      if (!t) break;
      sig = std::exchange(t->deliver_signal, 0);
    }
    if (end_) return Error::none;  // poll_event() reports the end
    Thread* again = find(tid);
    if (ev && again) again->pending = ev;
    if (ev) return defer();
    if (stepped && a->kind == ResumeAction::Kind::step && again) {
      // That step was the step asked for.
      again->pending = stop_of(tid, SIGTRAP, StopReason::single_step);
      return defer();
    }
    signalled.push_back(tid);
  }

  for (Thread& t : threads_) {
    if (t.state != Thread::State::stopped) continue;
    const ResumeAction* a = action_for(t.tid);
    if (!a || a->kind == ResumeAction::Kind::stay_stopped) continue;
    int sig = a->signal != 0 ? a->signal : std::exchange(t.deliver_signal, 0);
    for (int done : signalled)
      if (done == t.tid) sig = 0;
    run_thread(t, a->kind == ResumeAction::Kind::step, sig);
  }
  return Error::none;
}

}  // namespace rspstub::platform::linux_backend
