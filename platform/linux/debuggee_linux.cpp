// LinuxDebuggee: construction, the Process half (through the inner LinuxProcess), breakpoints,
// registers, detach and kill. The event engine is in debuggee_events.cpp.
#include "platform/linux/debuggee_linux.hpp"

#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>

#include "platform/linux/errno_map.hpp"
#include "platform/linux/proc_liveness.hpp"
#include "platform/linux/ptrace_regs.hpp"

namespace rspstub::platform::linux_backend {
namespace {

constexpr std::size_t debugreg_offset(unsigned i) {
  return offsetof(struct user, u_debugreg) + i * sizeof(unsigned long);
}

}  // namespace

long trace_options(LinuxDebuggee::Origin origin) noexcept {
  long options = PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC;
  // A program we started must not outlive the stub; one we attached to must.
  if (origin == LinuxDebuggee::Origin::launched) options |= PTRACE_O_EXITKILL;
  return options;
}

LinuxDebuggee::LinuxDebuggee(int pid, Origin origin, std::unique_ptr<LinuxProcess> inner)
    : pid_(pid), origin_(origin), inner_(std::move(inner)) {}

Result<std::unique_ptr<LinuxDebuggee>> LinuxDebuggee::adopt(int pid, Origin origin,
                                                            const std::vector<int>& tids) {
  auto inner = LinuxProcess::attach(pid);
  if (!inner) return inner.error();
  std::unique_ptr<LinuxDebuggee> d(new LinuxDebuggee(pid, origin, std::move(*inner)));
  for (int tid : tids) {
    Thread t;
    t.tid = tid;
    d->threads_.push_back(t);
  }
  // The main thread first: threads() promises it.
  std::stable_partition(d->threads_.begin(), d->threads_.end(),
                        [pid](const Thread& t) { return t.tid == pid; });
  return d;
}

LinuxDebuggee::~LinuxDebuggee() {
  if (gone_) return;
  if (origin_ == Origin::launched)
    kill();
  else
    detach(0);
}

LinuxDebuggee::Thread* LinuxDebuggee::find(int tid) noexcept {
  for (Thread& t : threads_)
    if (t.tid == tid && live(t)) return &t;
  return nullptr;
}

bool LinuxDebuggee::alive() const noexcept { return !gone_ && process_exists(pid_); }

// --- memory ---

ReadResult LinuxDebuggee::read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept {
  if (gone_) return {0, Error::process_gone};
  const ReadResult r = inner_->read_memory(addr, out);
  if (r.bytes > 0) breakpoints_.show_original(addr, out.first(r.bytes));
  return r;
}

WriteResult LinuxDebuggee::raw_write(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  const WriteResult r = inner_->write_memory(addr, in);
  if (r.bytes == in.size() || r.error == Error::process_gone || !stopped()) return r;
  // /proc/PID/mem refused (or stopped short): poke word by word, read-modify-write at the edges.
  std::size_t done = r.bytes;
  while (done < in.size()) {
    const std::uint64_t at = addr + done;
    const std::uint64_t word_addr = at & ~7ULL;
    errno = 0;
    long word = ::ptrace(PTRACE_PEEKDATA, pid_, word_addr, nullptr);
    if (errno != 0) return done > 0 ? WriteResult{done, Error::none} : WriteResult{0, error_from_errno(errno)};
    auto* bytes = reinterpret_cast<std::byte*>(&word);
    std::size_t i = at - word_addr;
    for (; i < 8 && done < in.size(); ++i) bytes[i] = in[done++];
    if (::ptrace(PTRACE_POKEDATA, pid_, word_addr, word) != 0) {
      const int err = errno;
      done -= i - (at - word_addr);
      return done > 0 ? WriteResult{done, Error::none} : WriteResult{0, error_from_errno(err)};
    }
  }
  return {done, Error::none};
}

WriteResult LinuxDebuggee::write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  if (gone_) return {0, Error::process_gone};
  if (in.empty()) return {0, Error::invalid_argument};
  if (addr + in.size() < addr) return {0, Error::no_memory};
  // Bytes that land on our breakpoints become their saved originals; the int3 stays. Done in
  // chunks through a stack buffer: no allocation.
  std::byte chunk[256];
  std::size_t done = 0;
  while (done < in.size()) {
    const std::size_t n = std::min(sizeof chunk, in.size() - done);
    std::memcpy(chunk, in.data() + done, n);
    breakpoints_.keep_in_place(addr + done, std::span(chunk, n));
    const WriteResult r = raw_write(addr + done, std::span<const std::byte>(chunk, n));
    done += r.bytes;
    if (r.bytes < n) return done > 0 ? WriteResult{done, Error::none} : r;
  }
  return {done, Error::none};
}

// --- inspection through the inner process ---

Result<MemoryRegion> LinuxDebuggee::region_at(std::uint64_t addr) {
  if (gone_) return Error::process_gone;
  return inner_->region_at(addr);
}

Result<std::vector<int>> LinuxDebuggee::threads() {
  if (gone_) return Error::process_gone;
  std::vector<int> tids;
  for (const Thread& t : threads_)
    if (live(t)) tids.push_back(t.tid);
  std::sort(tids.begin(), tids.end(), [this](int a, int b) {
    return (a == pid_) != (b == pid_) ? a == pid_ : a < b;
  });
  if (tids.empty()) return Error::process_gone;
  return tids;
}

Result<std::string> LinuxDebuggee::thread_name(int tid) {
  if (gone_) return Error::process_gone;
  return inner_->thread_name(tid);
}

Result<std::vector<std::byte>> LinuxDebuggee::auxv() {
  if (gone_) return Error::process_gone;
  return inner_->auxv();
}

Result<std::string> LinuxDebuggee::executable_path() {
  if (gone_) return Error::process_gone;
  return inner_->executable_path();
}

Result<ProcessInfo> LinuxDebuggee::info() {
  if (gone_) return Error::process_gone;
  return inner_->info();
}

// --- registers ---

bool LinuxDebuggee::get_pc(int tid, std::uint64_t& pc) noexcept {
  user_regs_struct regs{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  pc = regs.rip;
  return true;
}

bool LinuxDebuggee::set_pc(int tid, std::uint64_t pc) noexcept {
  user_regs_struct regs{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &regs) != 0) return false;
  regs.rip = pc;
  return ::ptrace(PTRACE_SETREGS, tid, nullptr, &regs) == 0;
}

Result<x86_64::Registers> LinuxDebuggee::registers(int tid) {
  if (gone_) return Error::process_gone;
  Thread* t = find(tid);
  if (!t) return Error::no_such_thread;
  if (!stopped_ || t->state != Thread::State::stopped) return inner_->registers(tid);
  user_regs_struct general{};
  user_fpregs_struct fp{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &general) != 0 ||
      ::ptrace(PTRACE_GETFPREGS, tid, nullptr, &fp) != 0) {
    const int err = errno;
    return err == ESRCH ? Error::process_gone : error_from_errno(err);
  }
  x86_64::Registers out;
  general_to_registers(general, out);
  fp_to_registers(fp, out);
  return out;
}

Error LinuxDebuggee::write_registers(int tid, const x86_64::Registers& regs) {
  if (gone_) return Error::process_gone;
  Thread* t = find(tid);
  if (!t) return Error::no_such_thread;
  if (!stopped_ || t->state != Thread::State::stopped) return Error::not_supported;
  user_regs_struct general{};
  if (::ptrace(PTRACE_GETREGS, tid, nullptr, &general) != 0) return error_from_errno(errno);
  registers_to_general(regs, general);
  if (::ptrace(PTRACE_SETREGS, tid, nullptr, &general) != 0) return error_from_errno(errno);
  bool any_fp = false;
  for (int r = x86_64::st0; r <= x86_64::mxcsr; ++r) any_fp = any_fp || regs.valid.test(r);
  if (!any_fp) return Error::none;
  user_fpregs_struct fp{};
  if (::ptrace(PTRACE_GETFPREGS, tid, nullptr, &fp) != 0) return error_from_errno(errno);
  registers_to_fp(regs, fp);
  if (::ptrace(PTRACE_SETFPREGS, tid, nullptr, &fp) != 0) return error_from_errno(errno);
  return Error::none;
}

Result<std::vector<std::byte>> LinuxDebuggee::siginfo(int tid) {
  if (gone_) return Error::process_gone;
  Thread* t = find(tid);
  if (!t) return Error::no_such_thread;
  if (!stopped_ || !t->has_siginfo) return Error::not_supported;
  static_assert(sizeof(siginfo_t) == 128);
  const auto* p = reinterpret_cast<const std::byte*>(&t->info);
  return std::vector<std::byte>(p, p + sizeof(siginfo_t));
}

void LinuxDebuggee::set_pass_signals(std::span<const int> signals) {
  pass_signals_.reset();
  for (int s : signals)
    if (s > 0 && s < static_cast<int>(pass_signals_.size())) pass_signals_.set(static_cast<std::size_t>(s));
}

// --- breakpoints ---

Error LinuxDebuggee::apply_debug_registers(Thread& t) noexcept {
  // DR7 off first, so no half-programmed slot is ever enabled; then addresses, then DR7.
  if (::ptrace(PTRACE_POKEUSER, t.tid, debugreg_offset(7), 0L) != 0) return error_from_errno(errno);
  for (unsigned i = 0; i < DebugRegisters::kSlots; ++i) {
    const auto& slot = debug_regs_.slot(i);
    if (!slot.used) continue;
    if (::ptrace(PTRACE_POKEUSER, t.tid, debugreg_offset(i), slot.addr) != 0)
      return error_from_errno(errno);
  }
  if (::ptrace(PTRACE_POKEUSER, t.tid, debugreg_offset(7), debug_regs_.dr7()) != 0)
    return error_from_errno(errno);
  return Error::none;
}

Error LinuxDebuggee::apply_debug_registers_everywhere() noexcept {
  Error first = Error::none;
  for (Thread& t : threads_) {
    if (t.state != Thread::State::stopped) continue;
    const Error e = apply_debug_registers(t);
    if (e != Error::none && first == Error::none && e != Error::process_gone) first = e;
  }
  return first;
}

Error LinuxDebuggee::insert_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) {
  if (gone_) return Error::process_gone;
  if (type == BreakpointType::software) {
    if (breakpoints_.contains(addr)) return Error::none;
    if (breakpoints_.entries().size() >= kMaxSoftwareBreakpoints) return Error::invalid_argument;
    std::byte original{};
    const ReadResult r = inner_->read_memory(addr, std::span(&original, 1));
    if (r.bytes != 1) return r.error;
    const WriteResult w = raw_write(addr, std::span(&kInt3, 1));
    if (w.bytes != 1) return w.error;
    breakpoints_.add(addr, original);
    return Error::none;
  }
  if (static_cast<unsigned>(type) > static_cast<unsigned>(BreakpointType::access_watch))
    return Error::not_supported;
  // Debug registers can only be written while the threads are stopped.
  if (!stopped_) return Error::not_supported;
  const DebugRegisters before = debug_regs_;
  if (!debug_regs_.add(type, addr, length)) return Error::invalid_argument;
  if (const Error e = apply_debug_registers_everywhere(); e != Error::none) {
    debug_regs_ = before;
    apply_debug_registers_everywhere();
    return e == Error::no_memory ? Error::invalid_argument : e;
  }
  return Error::none;
}

Error LinuxDebuggee::remove_breakpoint(BreakpointType type, std::uint64_t addr, std::uint32_t length) {
  if (gone_) return Error::process_gone;
  if (type == BreakpointType::software) {
    const auto* e = breakpoints_.find(addr);
    if (!e) return Error::none;
    const std::byte original = e->original;
    breakpoints_.remove(addr);
    const WriteResult w = raw_write(addr, std::span(&original, 1));
    return w.bytes == 1 ? Error::none : w.error;
  }
  if (static_cast<unsigned>(type) > static_cast<unsigned>(BreakpointType::access_watch))
    return Error::not_supported;
  if (!stopped_) return Error::not_supported;
  if (!debug_regs_.remove(type, addr, length)) return Error::none;
  return apply_debug_registers_everywhere();
}

void LinuxDebuggee::remove_everything() noexcept {
  for (const auto& e : breakpoints_.entries()) raw_write(e.addr, std::span(&e.original, 1));
  breakpoints_.clear();
  const bool had_debug_regs = debug_regs_.any();
  debug_regs_.clear();
  if (had_debug_regs) apply_debug_registers_everywhere();
}

Error LinuxDebuggee::remove_all_breakpoints() {
  if (gone_) return Error::process_gone;
  if (!stopped_) return Error::not_supported;
  remove_everything();
  for (Thread& t : threads_)
    if (t.pending && t.pending->reason == StopReason::breakpoint) t.pending.reset();
  return Error::none;
}

// --- leaving ---

Error LinuxDebuggee::detach(int signal) {
  if (gone_) return Error::process_gone;
  if (signal < 0 || signal >= 65) return Error::invalid_argument;
  if (!stopped_) {
    // Everything must be stopped to take the breakpoints out and to detach.
    if (auto ev = stop_others(); ev && end_) return Error::process_gone;
    stopped_ = true;
  }
  remove_everything();
  for (Thread& t : threads_) {
    if (t.state != Thread::State::stopped) continue;
    int sig = t.tid == pid_ ? signal : 0;
    if (sig == 0) sig = t.deliver_signal;
    // A stop still to be reported was a signal the process should get.
    if (sig == 0 && t.pending && t.pending->reason == StopReason::signal) sig = t.pending->signal;
    ::ptrace(PTRACE_DETACH, t.tid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig)));
    t.state = Thread::State::gone;
  }
  gone_ = true;
  return Error::none;
}

Error LinuxDebuggee::kill() {
  if (gone_) return Error::process_gone;
  ::kill(pid_, SIGKILL);
  // Collect every thread's end; the leader's comes last.
  while (!end_) {
    bool progress = false;
    if (auto ev = poll_round(progress); ev && !end_) {
      // A stop raced the SIGKILL: the kill still lands; keep collecting.
    }
    if (!progress && !end_) wait_pause();
  }
  gone_ = true;
  end_reported_ = true;  // no event after kill()
  return Error::none;
}

}  // namespace rspstub::platform::linux_backend
