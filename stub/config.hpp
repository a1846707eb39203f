// Settings a session runs with, fixed for the life of the server.
#pragma once

#include <cstddef>

namespace rspstub::stub {

struct SessionConfig {
  // Advertised as PacketSize: the largest packet payload a client may send us. Reads are sized
  // from it too: `m` replies carry at most packet_size/2 bytes, `x` replies at most packet_size.
  std::size_t packet_size = 0x40000;
  bool no_stop = true;     // inspection only: never stop the target, refuse writes
  bool read_only = false;  // refuse every write
};

}  // namespace rspstub::stub
