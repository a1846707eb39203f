// The measurements made through the benchmark's own RSP client on one connection to one stub:
// bulk `m` and `x`, throughput by request size, 8-byte read latency, and the stub's memory.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "peers.hpp"
#include "rsp_client.hpp"

namespace bench {

struct SessionPlan {
  int repetitions = 3;           // throughput figures are the median of these
  double by_size_seconds = 0.5;  // each by-size run reads for about this long (at
                                 // most the whole buffer)
  int small_reads = 20000;       // 8-byte reads for the latency figures
  std::uint64_t stream_bytes = 1ull << 30;  // each loopback stream measured alongside a pass
};

// The stubs are compared with this machine's loopback measured at the same time, not only in
// the limits measured before them: on a VM the loopback's speed swings by a factor of two
// within seconds, so a ratio to a figure taken a minute earlier says as much about the VM as
// about the stub. Each bulk pass follows a loopback TCP stream of its own, and the 8-byte reads
// come in blocks, each after a block of as many 1-byte round trips.
constexpr int kLatencyBlock = 500;  // 8-byte reads (and round trips) per block

struct Latency {
  double reads_per_second = 0;  // over the time spent in the reads only
  double p50_us = 0;
  double p99_us = 0;
  double rtt_p50_us = 0;  // the 1-byte loopback round trip, in blocks between the reads'
  double rtt_p99_us = 0;
};

struct SessionFigures {
  rsp::Features features;
  rsp::XDialect x_dialect = rsp::XDialect::none;
  std::size_t m_request = 0;  // the largest request used for bulk m / x
  std::size_t x_request = 0;
  std::optional<double> bulk_m_mbps;
  std::optional<double> bulk_x_mbps;
  // The loopback TCP stream measured right before each bulk pass (m and x): the median.
  std::optional<double> stream_alongside_mbps;
  std::map<std::size_t, double> m_by_size_mbps;  // request size -> MB/s
  std::map<std::size_t, double> x_by_size_mbps;
  std::optional<Latency> small_m;
  std::optional<std::uint64_t> rss_before_kib;
  std::optional<std::uint64_t> rss_peak_kib;  // sampled during the bulk reads
  std::optional<std::uint64_t> hwm_kib;       // VmHWM after them
  std::uint64_t bytes_verified = 0;
  rsp::ReadStats reads;
};

// The request sizes measured besides the largest one.
inline constexpr std::size_t kRequestSizes[] = {512, 4096, 65536};

// The largest request of each kind a stub allows, from its PacketSize.
std::size_t largest_m_request(std::size_t packet_size);
std::size_t largest_x_request(std::size_t packet_size);

// Runs every measurement on a handshaken client. Throws VerifyError on a wrong byte.
SessionFigures measure_session(rsp::Client& client, pid_t stub_pid, const Buffer& buffer,
                               const SessionPlan& plan, const std::string& stub_name);

}  // namespace bench
