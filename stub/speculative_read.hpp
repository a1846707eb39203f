// The next bulk read, read before it is asked for. A client that reads a large block of memory
// (gdb's `dump memory`, lldb's `memory read`, `x/100000x`) asks for it in replies of the largest
// size one after another: `x A,L`, then `x A+L,L`, ... Between two of them the stub used to sit
// idle while the client took in the end of the last reply and sent the next request. In that
// time the stub now reads and encodes the read it expects (up to kPieces streamed pieces of it),
// so that the reply goes out the moment the request arrives: the copy out of the target and the
// encoding overlap the client's work instead of adding to it.
//
// Freshness rule: a speculative reply is used only if, between its read and the request,
//   - the process was stopped (speculate() is called only then, and resuming takes a packet),
//   - no other packet, interrupt or target event came (each drops it: Session::feed, quiesce),
//   - less than max_age passed (SessionConfig::speculation_max_age, 1 ms): memory a stopped
//     process shares with others (or the kernel writes) is at most that old, well within the
//     jitter of one network round trip.
// Only a fully readable prepared part is kept; anything short is read again on request.
//
// The reply is built in a buffer of its own and swapped with the session's reply buffer when
// used, so it costs no copy; the two buffers then trade roles.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "platform/process.hpp"
#include "protocol/reply.hpp"

namespace rspstub::stub {

class SpeculativeRead {
 public:
  // Reads smaller than this are not followed by a speculation: they are rarely part of a bulk
  // read, and a wrong guess would cost an idle-time read for nothing.
  static constexpr std::size_t kMinLength = 4096;
  // How many streamed pieces (SessionConfig::stream_chunk) are prepared ahead: 4 covers the
  // largest reply at the default PacketSize (256 KiB of x), so the whole next reply is read and
  // encoded while the client is still taking in the last one. (1 and 2 pieces gained less:
  // bulk x 336-807 and 624-1030 MB/s against 1021-1494 MB/s with 4, in alternating runs.)
  static constexpr std::size_t kPieces = 4;

  // The read the client will most likely ask for next: `length` bytes at `addr`, encoded as
  // `enc` after `prefix` (which must outlive the speculation: a literal). Replaces any earlier
  // expectation and drops a prepared reply.
  void expect(std::uint64_t addr, std::size_t length, protocol::StagedEncoding enc,
              std::string_view prefix) noexcept;
  // True when an expectation is waiting to be prepared.
  bool expecting() const noexcept { return expecting_; }
  // Reads and encodes the first min(length, kPieces * piece) bytes (all of them with piece 0)
  // of the expected read into the spare buffer, as a packet opened without ack. Keeps them
  // only if all were readable. Call only while the process is stopped; consumes the
  // expectation.
  // It may be used for `max_age` from the start of the read.
  void prepare(platform::Process& process, std::size_t piece, std::chrono::microseconds max_age);
  // If a prepared reply is for exactly this request and is fresh, swaps it into `reply`, which
  // must be a packet just opened without ack, and returns how many target bytes it holds (the
  // rest of the request, if any, is streamed after them); 0 otherwise. The prepared reply is
  // gone afterwards either way.
  std::size_t take(std::uint64_t addr, std::size_t length, protocol::StagedEncoding enc,
                   std::string_view prefix, protocol::ReplyBuffer& reply) noexcept;
  // After each request: a prepared reply the request did not take is dropped, and so is an
  // expectation older than the request (only the reply to a read sets a new one).
  void end_request() noexcept {
    prepared_ = 0;
    expecting_ = expecting_ && expected_in_request_;
    expected_in_request_ = false;
  }
  // Forgets the expectation and any prepared reply.
  void drop() noexcept {
    expecting_ = false;
    expected_in_request_ = false;
    prepared_ = 0;
  }

  // Requests answered from a prepared reply (for tests).
  std::uint64_t hits() const noexcept { return hits_; }

 private:
  protocol::ReplyBuffer spare_;
  std::uint64_t addr_ = 0;
  std::size_t length_ = 0;
  protocol::StagedEncoding enc_ = protocol::StagedEncoding::hex;
  std::string_view prefix_;
  bool expecting_ = false;
  bool expected_in_request_ = false;  // expect() was called since the last end_request()
  std::size_t prepared_ = 0;  // target bytes in spare_; 0: nothing prepared
  std::chrono::steady_clock::time_point use_before_{};
  std::uint64_t hits_ = 0;
};

}  // namespace rspstub::stub
