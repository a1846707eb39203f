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
};

struct Latency {
  double reads_per_second = 0;
  double p50_us = 0;
  double p99_us = 0;
};

struct SessionFigures {
  rsp::Features features;
  rsp::XDialect x_dialect = rsp::XDialect::none;
  std::size_t m_request = 0;  // the largest request used for bulk m / x
  std::size_t x_request = 0;
  std::optional<double> bulk_m_mbps;
  std::optional<double> bulk_x_mbps;
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
