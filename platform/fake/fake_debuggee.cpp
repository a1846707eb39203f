#include "platform/fake/fake_debuggee.hpp"

#include <algorithm>

#include "platform/signal_numbers.hpp"

namespace rspstub::platform::fake {
namespace {

constexpr std::byte kInt3{0xcc};

bool is_hardware(BreakpointType t) noexcept { return t != BreakpointType::software; }

bool is_watchpoint(BreakpointType t) noexcept {
  return t == BreakpointType::write_watch || t == BreakpointType::read_watch ||
         t == BreakpointType::access_watch;
}

}  // namespace

FakeDebuggee::FakeDebuggee(int pid) : process_(pid) {}

FakeDebuggee::~FakeDebuggee() {
  if (on_destroy_) on_destroy_(*this);
}

void FakeDebuggee::set_pc(int tid, std::uint64_t pc) { written_[tid].set_u64(x86_64::rip, pc); }

void FakeDebuggee::exit_now(int code) {
  StopEvent ev;
  ev.kind = StopEvent::Kind::exited;
  ev.tid = pid();
  ev.exit_code = code;
  in_flight_ = ev;
}

std::vector<std::byte> FakeDebuggee::raw_contents(std::uint64_t addr, std::size_t n) const {
  std::vector<std::byte> bytes = process_.contents(addr, n);
  for (const Breakpoint& bp : breakpoints_)
    if (bp.type == BreakpointType::software && bp.addr >= addr && bp.addr - addr < n)
      bytes[bp.addr - addr] = kInt3;
  return bytes;
}

bool FakeDebuggee::has_thread(int tid) {
  auto tids = process_.threads();
  return tids && std::find(tids->begin(), tids->end(), tid) != tids->end();
}

// Process: forwarded to the FakeProcess while the process is ours. Reads show the original bytes
// (the FakeProcess never holds the int3s), which is exactly the hiding the contract asks for.
ReadResult FakeDebuggee::read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept {
  if (gone_) return {0, Error::process_gone};
  return process_.read_memory(addr, out);
}

WriteResult FakeDebuggee::write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  if (gone_) return {0, Error::process_gone};
  return process_.write_memory(addr, in);
}

Result<MemoryRegion> FakeDebuggee::region_at(std::uint64_t addr) {
  if (gone_) return Error::process_gone;
  return process_.region_at(addr);
}

Result<std::vector<int>> FakeDebuggee::threads() {
  if (gone_) return Error::process_gone;
  return process_.threads();
}

Result<std::string> FakeDebuggee::thread_name(int tid) {
  if (gone_) return Error::process_gone;
  return process_.thread_name(tid);
}

Result<x86_64::Registers> FakeDebuggee::registers(int tid) {
  if (gone_) return Error::process_gone;
  auto regs = process_.registers(tid);
  if (!regs) return regs;
  if (auto it = written_.find(tid); it != written_.end()) {
    for (int r = 0; r < x86_64::reg_count; ++r) {
      if (!it->second.valid.test(r)) continue;
      std::ranges::copy(it->second.bytes(r), regs->bytes(r).begin());
      regs->valid.set(r);
    }
  }
  if (stopped()) regs->valid.set();  // a stopped thread's whole register file is known
  return regs;
}

Result<std::vector<std::byte>> FakeDebuggee::auxv() {
  if (gone_) return Error::process_gone;
  return process_.auxv();
}

Result<std::string> FakeDebuggee::executable_path() {
  if (gone_) return Error::process_gone;
  return process_.executable_path();
}

Result<std::vector<LoadedModule>> FakeDebuggee::loaded_modules() {
  if (gone_) return Error::process_gone;
  return process_.loaded_modules();
}

Result<ProcessInfo> FakeDebuggee::info() {
  if (gone_) return Error::process_gone;
  return process_.info();
}

Error FakeDebuggee::resume(std::span<const ResumeAction> actions) {
  if (!alive()) return Error::process_gone;
  if (running_) return Error::not_supported;
  int steps = 0;
  for (const ResumeAction& a : actions) {
    if (a.tid != -1 && !has_thread(a.tid)) return Error::no_such_thread;
    if (a.signal < 0 || a.signal > 64) return Error::invalid_argument;
    if (a.kind == ResumeAction::Kind::step) ++steps;
  }
  if (steps > 1) return Error::invalid_argument;
  resumes_.emplace_back(actions.begin(), actions.end());
  running_ = true;
  if (!script_.empty()) {
    in_flight_ = script_.front();
    script_.pop_front();
  }
  return Error::none;
}

Error FakeDebuggee::interrupt() {
  ++interrupts_;
  if (running_ && !in_flight_) {
    StopEvent ev;
    ev.tid = pid();
    ev.signal = posix_signal::int_;
    ev.reason = StopReason::interrupt;
    in_flight_ = ev;
  }
  return Error::none;
}

std::optional<StopEvent> FakeDebuggee::poll_event() {
  if (!running_ || !in_flight_) return std::nullopt;
  StopEvent ev = *in_flight_;
  in_flight_.reset();
  running_ = false;
  if (ev.kind == StopEvent::Kind::stopped) {
    last_stop_ = ev;
  } else {
    gone_ = true;
    last_stop_.reset();
  }
  return ev;
}

Error FakeDebuggee::write_registers(int tid, const x86_64::Registers& regs) {
  if (!alive()) return Error::process_gone;
  if (running_) return Error::not_supported;
  if (!has_thread(tid)) return Error::no_such_thread;
  x86_64::Registers& mine = written_[tid];
  for (int r = 0; r < x86_64::reg_count; ++r) {
    if (!regs.valid.test(r)) continue;
    std::ranges::copy(regs.bytes(r), mine.bytes(r).begin());
    mine.valid.set(r);
  }
  ++register_writes_;
  return Error::none;
}

Error FakeDebuggee::insert_breakpoint(BreakpointType type, std::uint64_t addr,
                                      std::uint32_t length) {
  if (!alive()) return Error::process_gone;
  const Breakpoint bp{type, addr, type == BreakpointType::software ? 0u : length};
  if (std::ranges::find(breakpoints_, bp) != breakpoints_.end()) return Error::none;
  if (type == BreakpointType::software) {
    const auto software = std::ranges::count_if(
        breakpoints_, [](const Breakpoint& b) { return b.type == BreakpointType::software; });
    if (static_cast<std::size_t>(software) >= kMaxSoftwareBreakpoints)
      return Error::invalid_argument;
    auto region = process_.region_at(addr);
    if (!region || !region->mapped) return Error::no_memory;
  } else {
    if (is_watchpoint(type) && length != 1 && length != 2 && length != 4 && length != 8)
      return Error::invalid_argument;
    const auto used = std::ranges::count_if(
        breakpoints_, [](const Breakpoint& b) { return is_hardware(b.type); });
    if (used >= static_cast<long>(hardware_watchpoint_slots())) return Error::invalid_argument;
  }
  breakpoints_.push_back(bp);
  return Error::none;
}

Error FakeDebuggee::remove_breakpoint(BreakpointType type, std::uint64_t addr,
                                      std::uint32_t length) {
  if (!alive()) return Error::process_gone;
  const Breakpoint bp{type, addr, type == BreakpointType::software ? 0u : length};
  std::erase(breakpoints_, bp);
  return Error::none;
}

Error FakeDebuggee::remove_all_breakpoints() {
  if (!alive()) return Error::process_gone;
  if (running_) return Error::not_supported;
  breakpoints_.clear();
  return Error::none;
}

// A Linux-like siginfo_t: si_signo at 0, si_errno at 4, si_code at 8; 128 bytes.
Result<std::vector<std::byte>> FakeDebuggee::siginfo(int tid) {
  if (!alive()) return Error::process_gone;
  if (!last_stop_ || last_stop_->tid != tid || last_stop_->signal == 0) return Error::not_supported;
  std::vector<std::byte> info(128);
  const int signo = last_stop_->signal;
  const int code = last_stop_->reason == StopReason::breakpoint ? 1 /* TRAP_BRKPT */ : 0;
  for (int i = 0; i < 4; ++i) {
    info[i] = static_cast<std::byte>((signo >> (8 * i)) & 0xff);
    info[8 + i] = static_cast<std::byte>((code >> (8 * i)) & 0xff);
  }
  return info;
}

void FakeDebuggee::set_pass_signals(std::span<const int> signals) {
  pass_signals_.assign(signals.begin(), signals.end());
}

Error FakeDebuggee::detach(int signal) {
  if (!alive()) return Error::process_gone;
  breakpoints_.clear();
  detached_with_ = signal;
  gone_ = true;
  running_ = false;
  return Error::none;
}

Error FakeDebuggee::kill() {
  if (!alive()) return Error::process_gone;
  killed_ = true;
  gone_ = true;
  running_ = false;
  in_flight_.reset();
  return Error::none;
}

}  // namespace rspstub::platform::fake
