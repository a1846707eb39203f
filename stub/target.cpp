#include "stub/target.hpp"

#include <chrono>
#include <thread>

namespace rspstub::stub {
namespace {

using platform::Error;
using platform::Result;

// The Process handlers see when there is none: every question answers process_gone.
class NoProcess final : public platform::Process {
 public:
  int pid() const noexcept override { return 0; }
  bool alive() const noexcept override { return false; }
  platform::ReadResult read_memory(std::uint64_t, std::span<std::byte>) noexcept override {
    return {0, Error::process_gone};
  }
  platform::WriteResult write_memory(std::uint64_t, std::span<const std::byte>) noexcept override {
    return {0, Error::process_gone};
  }
  Result<platform::MemoryRegion> region_at(std::uint64_t) override { return Error::process_gone; }
  Result<std::vector<int>> threads() override { return Error::process_gone; }
  Result<std::string> thread_name(int) override { return Error::process_gone; }
  Result<platform::x86_64::Registers> registers(int) override { return Error::process_gone; }
  Result<std::vector<std::byte>> auxv() override { return Error::process_gone; }
  Result<std::string> executable_path() override { return Error::process_gone; }
  Result<platform::ProcessInfo> info() override { return Error::process_gone; }
};

NoProcess g_no_process;  // stateless: one for every Target without a process

}  // namespace

Target::Target() : process_(&g_no_process) {}

Target::Target(platform::Process& inspected) : process_(&inspected) {}

Target::Target(platform::Debuggee& controlled, const platform::StopEvent& initial)
    : process_(&controlled), debuggee_(&controlled), last_stop_(initial) {}

void Target::record_event(const platform::StopEvent& event) {
  last_stop_ = event;
  running_ = false;
}

bool Target::finished() const noexcept {
  if (extended()) return false;
  if (debuggee_ == nullptr) return process_ != &g_no_process && !process_->alive();
  return end_reported_;
}

}  // namespace rspstub::stub

namespace rspstub::stub {

void release_debuggee(platform::Debuggee& d, bool launched) {
  if (!d.alive()) return;
  if (launched) {
    d.kill();
    return;
  }
  if (!d.stopped()) {
    d.interrupt();  // detach needs it stopped: wait briefly for the stop
    for (int i = 0; i < 100 && !d.poll_event(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  d.detach(0);
}

void Target::adopt(std::unique_ptr<platform::Debuggee> d, const platform::StopEvent& initial,
                   bool launched) {
  release_process();
  owned_ = std::move(d);
  process_ = owned_.get();
  debuggee_ = owned_.get();
  last_stop_ = initial;
  launched_ = launched;
  if (!pass_signals_.empty()) debuggee_->set_pass_signals(pass_signals_);
}

void Target::release_process() {
  if (owned_) release_debuggee(*owned_, launched_);
  owned_.reset();
  process_ = &g_no_process;
  debuggee_ = nullptr;
  last_stop_.reset();
  running_ = false;
  launched_ = false;
  end_reported_ = false;
}

void Target::set_pass_signals(std::vector<int> signals) {
  pass_signals_ = std::move(signals);
  if (debuggee_ != nullptr) debuggee_->set_pass_signals(pass_signals_);
}

}  // namespace rspstub::stub
