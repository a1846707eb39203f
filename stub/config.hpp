// Settings a session runs with, fixed for the life of the server.
#pragma once

#include <chrono>
#include <cstddef>

namespace rspstub::stub {

struct SessionConfig {
  // Advertised as PacketSize: the largest packet payload a client may send us. Reads are sized
  // from it too: `m` replies carry at most packet_size/2 bytes, `x` replies at most packet_size.
  std::size_t packet_size = 0x40000;
  bool no_stop = true;     // inspection only: never stop the target, refuse writes
  bool read_only = false;  // refuse every write
  // A memory read larger than this many target bytes is sent in pieces of this size (without
  // acks only): the next piece is read from the target while the client receives the last, and
  // each piece stays in the CPU cache from read to send. 0: always one piece.
  std::size_t stream_chunk = 64 * 1024;
  // Streamed pieces are read ahead on a worker thread (stub/read_ahead.hpp) while the last one
  // is sent. main() turns it off on machines with fewer than 3 hardware threads, where the
  // worker competes with the client for the CPUs (on the 2-core VM, alternating runs with and
  // without it differ by less than their noise, before and after the copy placement of
  // protocol/copy_placement.hpp).
  bool read_ahead = true;
  // Between requests, the first piece of the bulk read most likely to come next is read and
  // encoded while the process is stopped (stub/speculative_read.hpp).
  bool speculative_reads = true;
  // How old a speculative read may be when its request comes (the freshness rule).
  std::chrono::microseconds speculation_max_age{1000};
  // After a reply, how long a socket connection keeps trying for the next request before it
  // sleeps (see Connection::read_now). 0: sleep at once.
  std::chrono::microseconds input_poll{200};
};

}  // namespace rspstub::stub
