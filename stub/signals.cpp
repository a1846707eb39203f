#include "stub/signals.hpp"

#include <array>

namespace rspstub::stub {
namespace {

constexpr int kGdbUnknown = 143;

// Linux x86-64 signals 0..31, as gdb numbers them. 16 (SIGSTKFLT) has no gdb name.
constexpr std::array<int, 32> kHostToGdb = {
    0,  1,  2,  3,  4,  5,  6,  10,  // 0..7: 7 is SIGBUS
    8,  9,  30, 11, 31, 13, 14, 15,  // 8..15: 10 USR1, 12 USR2
    kGdbUnknown, 20, 19, 17, 18, 21, 22, 16,  // 16 STKFLT, 17 CHLD, 18 CONT, 19 STOP, 20 TSTP, 23 URG
    24, 25, 26, 27, 28, 23, 32, 12,  // 29 IO, 30 PWR, 31 SYS
};

}  // namespace

// Real-time signals: gdb has REALTIME_32 = 77, REALTIME_33..63 = 45..75, REALTIME_64 = 78.
int host_to_gdb_signal(int host) noexcept {
  if (host >= 0 && host < 32) return kHostToGdb[static_cast<unsigned>(host)];
  if (host == 32) return 77;
  if (host >= 33 && host <= 63) return host - 33 + 45;
  if (host == 64) return 78;
  return kGdbUnknown;
}

int gdb_to_host_signal(int gdb) noexcept {
  for (int host = 0; host <= 64; ++host)
    if (host_to_gdb_signal(host) == gdb && gdb != kGdbUnknown) return host;
  return -1;
}

}  // namespace rspstub::stub
