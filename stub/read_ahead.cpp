#include "stub/read_ahead.hpp"

#include <algorithm>

namespace rspstub::stub {

ReadAhead::~ReadAhead() {
  if (!worker_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    quit_ = true;
  }
  wake_.notify_one();
  worker_.join();  // after the read in flight, if any: the worker finishes a job before quitting
}

void ReadAhead::start(platform::Process& process, std::uint64_t addr, std::size_t n) {
  drop();
  if (!worker_.joinable()) {
    buffers_ = std::make_unique_for_overwrite<std::byte[]>(2 * slot_size());
    worker_ = std::thread([this] { run(); });
  }
  // Placed half a page from addr modulo 4 KiB, like a staged reply (protocol/copy_placement.hpp).
  std::byte* const slot = buffers_.get() + static_cast<std::size_t>(fill_) * slot_size();
  const std::size_t shift =
      protocol::copy_placement_shift(reinterpret_cast<std::uintptr_t>(slot), addr);
  std::span<std::byte> into(slot + shift, std::min(n, piece_));
  fill_ ^= 1;
  {
    std::lock_guard lock(mutex_);
    process_ = &process;
    addr_ = addr;
    into_ = into;
    job_ = true;
    finished_ = false;
  }
  pending_ = true;
  wake_.notify_one();
}

ReadAhead::Piece ReadAhead::wait() {
  std::unique_lock lock(mutex_);
  done_.wait(lock, [this] { return finished_; });
  pending_ = false;
  finished_ = false;
  if (result_.bytes == 0) return {{}, result_.error};
  return {into_.first(result_.bytes), platform::Error::none};
}

void ReadAhead::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [this] { return job_ || quit_; });
    if (job_) {
      job_ = false;
      platform::Process* process = process_;
      const std::uint64_t addr = addr_;
      const std::span<std::byte> into = into_;
      lock.unlock();
      const platform::ReadResult got = process->read_memory(addr, into);
      lock.lock();
      result_ = got;
      finished_ = true;
      done_.notify_one();
      continue;
    }
    return;  // quit, with no job left
  }
}

}  // namespace rspstub::stub
