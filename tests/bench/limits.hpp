// The physical limits the stubs are compared with, measured on this machine in the same run:
// copying the target's memory with process_vm_readv, a loopback TCP stream, the loopback
// round trip of one byte, and the traffic of a bulk read with no stub (request/reply).
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "peers.hpp"

namespace bench {

// process_vm_readv call sizes measured: the copy rate depends on them (cache sizes).
inline constexpr std::size_t kVmReadvCalls[] = {128u << 10, 1u << 20};

// Where the copy's destination sits past its source, modulo 4 KiB: half a page for the limit
// (as rspstub places its buffers, protocol/copy_placement.hpp); 16 bytes is what a buffer from
// malloc gets for page-aligned memory, where the kernel's copy slows down on some CPUs.
inline constexpr std::size_t kVmReadvDistance = 2048;
inline constexpr std::size_t kVmReadvNearDistance = 16;

// The traffic of a bulk read with no stub: one small request, one reply of `reply_bytes` sent
// with one send, again and again, over 127.0.0.1. MB/s on the wire over short windows: how
// much this machine's loopback varies within seconds for exactly that pattern.
struct RequestReply {
  std::size_t reply_bytes = 0;
  double window_seconds = 0;
  double median_mbps = 0;
  double slowest_mbps = 0;
  double fastest_mbps = 0;
  int windows = 0;
};

struct Limits {
  std::map<std::size_t, double> vm_readv_mbps;  // call size -> MB/s; empty if refused
  double vm_readv_near_mbps = 0;  // 128 KiB calls at kVmReadvNearDistance; 0 if refused
  std::string vm_readv_note;                    // why it is missing
  double tcp_stream_mbps = 0;
  double rtt_p50_us = 0;
  double rtt_p99_us = 0;
  RequestReply request_reply;
  double client_m_mbps = 0;  // this benchmark's own ceiling: checksum + decode + verify
  double client_x_mbps = 0;
};

struct LimitsPlan {
  int repetitions = 3;
  std::uint64_t tcp_bytes = 1ULL << 30;
  int round_trips = 20000;
};

// process_vm_readv of the whole buffer of a running target, in calls of `call` bytes, into one
// reused buffer placed `distance` bytes past the source modulo 4 KiB; median MB/s. One pass is
// verified (outside the timing). nullopt (with the reason in note) if the kernel refuses.
std::optional<double> vm_readv_mbps(pid_t pid, const Buffer& buffer, std::size_t call,
                                    std::size_t distance, int repetitions, std::string& note);

// One sender thread, one receiver, 1 MiB writes over 127.0.0.1; median MB/s.
double tcp_stream_mbps(std::uint64_t bytes, int repetitions);

// Requests of one byte answered by replies of `reply_bytes` (one send each, the server asleep
// in recv between them), for `seconds`, measured in windows of `window` seconds.
RequestReply tcp_request_reply(std::size_t reply_bytes, double seconds, double window);

// The wire size of rspstub's bulk `m` reply at its default PacketSize (256 KiB): "$", the hex
// of the largest `m` request, "#" and two checksum digits.
std::size_t bulk_m_reply_bytes();

// How fast this benchmark's client can take in replies with no stub at all: copy, checksum,
// decode and verify 256 KiB replies (hex for `m`, escaped binary for `x`) covering `bytes` of
// the pattern; median MB/s of target bytes. The stubs cannot be measured above this.
double client_ceiling_mbps(bool hex, std::uint64_t bytes, int repetitions);

// 1-byte ping-pong over 127.0.0.1 (TCP_NODELAY) between two threads; p50 and p99 in µs.
void tcp_round_trip(int count, double& p50_us, double& p99_us);

// One loopback TCP stream of `bytes` (one sender thread, one receiver, 1 MiB writes); MB/s.
double tcp_stream_once_mbps(std::uint64_t bytes);

// The 1-byte loopback round trip as a partner that stays: an echo thread on one end of a
// loopback connection (TCP_NODELAY) for the object's life, so that round trips can be timed in
// blocks between other measurements (the stubs' 8-byte reads) instead of only before them.
class RoundTrip {
 public:
  RoundTrip();
  ~RoundTrip();
  RoundTrip(const RoundTrip&) = delete;
  RoundTrip& operator=(const RoundTrip&) = delete;
  // One round trip, in µs. Throws if the echo failed.
  double once_us();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace bench
