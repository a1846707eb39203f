// Reads the next piece of a streamed m/x reply on a worker thread while the connection encodes
// and sends the current one. Copying another process's memory (process_vm_readv,
// ReadProcessMemory) and writing to the socket are the two big costs of a bulk read; here they
// overlap, and the first two pieces of a reply are read by two threads at once.
//
// One read at a time: start() hands a range to the worker, wait() takes the bytes. The two
// buffers alternate, so the bytes wait() returned stay valid while the next read fills the
// other buffer, until the start() after that. The worker thread is created on the first start(),
// so a connection that never streams has none. A Process is only ever used by one thread at a
// time: the caller does nothing else with it between start() and wait().
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>

#include "platform/process.hpp"
#include "protocol/copy_placement.hpp"

namespace rspstub::stub {

class ReadAhead {
 public:
  // `piece`: the largest read start() is given (SessionConfig::stream_chunk).
  explicit ReadAhead(std::size_t piece) : piece_(piece) {}
  ~ReadAhead();  // waits for a read in flight, then ends the worker
  ReadAhead(const ReadAhead&) = delete;
  ReadAhead& operator=(const ReadAhead&) = delete;

  // Starts reading min(n, piece) bytes at addr. A read still in flight is waited for and
  // dropped first.
  void start(platform::Process& process, std::uint64_t addr, std::size_t n);
  // True between start() and wait().
  bool pending() const noexcept { return pending_; }

  struct Piece {
    std::span<const std::byte> bytes;  // the readable prefix; empty with an error
    platform::Error error = platform::Error::none;
  };
  // The result of the last start(). Call only while pending().
  Piece wait();
  // Waits for a read in flight, if any, and forgets it.
  void drop() {
    if (pending_) wait();
  }

 private:
  void run();
  // One buffer: a piece plus room to place it (protocol/copy_placement.hpp).
  std::size_t slot_size() const noexcept { return piece_ + protocol::kCopyPlacementSlack; }

  const std::size_t piece_;
  std::unique_ptr<std::byte[]> buffers_;  // two slots, allocated with the worker
  int fill_ = 0;                          // the buffer the next start() fills
  bool pending_ = false;                  // main thread only

  std::thread worker_;
  std::mutex mutex_;
  std::condition_variable wake_;  // the worker: a job or quit
  std::condition_variable done_;  // the main thread: the job is done
  // Guarded by mutex_:
  platform::Process* process_ = nullptr;
  std::uint64_t addr_ = 0;
  std::span<std::byte> into_;
  bool job_ = false;
  bool finished_ = false;
  bool quit_ = false;
  platform::ReadResult result_;
};

}  // namespace rspstub::stub
