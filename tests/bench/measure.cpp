#include "measure.hpp"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "limits.hpp"
#include "process.hpp"
#include "stats.hpp"
#include "verify.hpp"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPage = 4096;
constexpr std::size_t kFallbackPacketSize = 4096;  // when qSupported names no PacketSize

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// Reads [address, address + length) once, verifying every byte; returns MB/s (10^6 bytes/s).
double timed_read(rsp::Client& client, rsp::ReadKind kind, std::uint64_t address,
                  std::uint64_t length, std::size_t request, const std::string& source,
                  std::uint64_t& verified) {
  auto sink = [&](std::uint64_t at, std::span<const std::uint8_t> bytes) {
    verify_pattern(at, bytes, source);
    verified += bytes.size();
  };
  auto start = Clock::now();
  client.read(kind, address, length, request, sink);
  return static_cast<double>(length) / seconds_since(start) / 1e6;
}

// Between a stub's reads and a loopback measurement: long enough for a stub that polls for its
// next request (rspstub, for 200 µs after a reply) to stop, so the two never share a CPU.
void settle() { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }

// The whole buffer, plan.repetitions times, each pass right after a loopback TCP stream (added
// to `streams`); the median MB/s.
double median_bulk_read(rsp::Client& client, rsp::ReadKind kind, const Buffer& buffer,
                        std::size_t request, const SessionPlan& plan, const std::string& source,
                        std::uint64_t& verified, std::vector<double>& streams) {
  std::vector<double> runs;
  for (int i = 0; i < plan.repetitions; ++i) {
    settle();
    streams.push_back(tcp_stream_once_mbps(plan.stream_bytes));
    runs.push_back(
        timed_read(client, kind, buffer.address, buffer.size, request, source, verified));
  }
  return median(runs);
}

// Bulk m and x over the whole buffer, sampling the stub's RSS meanwhile.
void measure_bulk(rsp::Client& client, pid_t stub_pid, const Buffer& buffer,
                  const SessionPlan& plan, const std::string& name, SessionFigures& f) {
  f.rss_before_kib = proc_status_kib(stub_pid, "VmRSS");
  std::vector<double> streams;
  {
    RssSampler sampler(stub_pid);
    f.bulk_m_mbps = median_bulk_read(client, rsp::ReadKind::m, buffer, f.m_request, plan,
                                     name + " bulk m", f.bytes_verified, streams);
    if (f.x_dialect != rsp::XDialect::none)
      f.bulk_x_mbps = median_bulk_read(client, rsp::ReadKind::x, buffer, f.x_request, plan,
                                       name + " bulk x", f.bytes_verified, streams);
    if (sampler.samples() > 0) f.rss_peak_kib = sampler.peak_kib();
  }
  if (!streams.empty()) f.stream_alongside_mbps = median(streams);
  f.hwm_kib = proc_status_kib(stub_pid, "VmHWM");
}

// Reads consecutive `request`-byte pieces from the start of the buffer for about `seconds`
// (never past its end); returns MB/s.
double timed_read_for(rsp::Client& client, rsp::ReadKind kind, const Buffer& buffer,
                      std::size_t request, double seconds, const std::string& source,
                      std::uint64_t& verified) {
  auto sink = [&](std::uint64_t at, std::span<const std::uint8_t> bytes) {
    verify_pattern(at, bytes, source);
    verified += bytes.size();
  };
  const std::uint64_t batch = std::uint64_t{request} * 64;
  std::uint64_t done = 0;
  auto start = Clock::now();
  while (done + request <= buffer.size && seconds_since(start) < seconds) {
    std::uint64_t length = std::min(batch, (buffer.size - done) / request * request);
    client.read(kind, buffer.address + done, length, request, sink);
    done += length;
  }
  return static_cast<double>(done) / seconds_since(start) / 1e6;
}

void measure_by_size(rsp::Client& client, const Buffer& buffer, const SessionPlan& plan,
                     const std::string& name, SessionFigures& f) {
  auto median_of = [&](rsp::ReadKind kind, std::size_t request, const std::string& label) {
    std::vector<double> runs;
    for (int i = 0; i < plan.repetitions; ++i)
      runs.push_back(timed_read_for(client, kind, buffer, request, plan.by_size_seconds, label,
                                    f.bytes_verified));
    return median(runs);
  };
  for (std::size_t request : kRequestSizes) {
    if (request > buffer.size) continue;
    std::string label = name + " " + std::to_string(request) + "-byte ";
    if (request <= f.m_request)
      f.m_by_size_mbps[request] = median_of(rsp::ReadKind::m, request, label + "m");
    if (f.x_dialect != rsp::XDialect::none && request <= f.x_request)
      f.x_by_size_mbps[request] = median_of(rsp::ReadKind::x, request, label + "x");
  }
}

// 8-byte `m` reads at pseudo-random aligned addresses, each timed, in blocks of kLatencyBlock,
// each block after as many 1-byte loopback round trips.
Latency measure_small_reads(rsp::Client& client, const Buffer& buffer, const SessionPlan& plan,
                            const std::string& name, std::uint64_t& verified) {
  const std::uint64_t words = buffer.size / 8;
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  auto sink = [&](std::uint64_t at, std::span<const std::uint8_t> bytes) {
    verify_pattern(at, bytes, name + " 8-byte m");
    verified += bytes.size();
  };
  RoundTrip partner;
  for (int i = 0; i < 100; ++i) partner.once_us();  // the echo thread awake and its code warm
  std::vector<double> micros, rtt_micros;
  micros.reserve(static_cast<std::size_t>(plan.small_reads));
  rtt_micros.reserve(static_cast<std::size_t>(plan.small_reads));
  double reading = 0;  // seconds spent in the stub's blocks
  for (int done = 0; done < plan.small_reads;) {
    const int block = std::min(kLatencyBlock, plan.small_reads - done);
    settle();
    for (int i = 0; i < block; ++i) rtt_micros.push_back(partner.once_us());
    auto block_start = Clock::now();
    for (int i = 0; i < block; ++i) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      std::uint64_t address = buffer.address + (state % words) * 8;
      auto start = Clock::now();
      client.read(rsp::ReadKind::m, address, 8, 8, sink);
      micros.push_back(seconds_since(start) * 1e6);
    }
    reading += seconds_since(block_start);
    done += block;
  }
  return {static_cast<double>(plan.small_reads) / reading, percentile(micros, 50),
          percentile(micros, 99), percentile(rtt_micros, 50), percentile(rtt_micros, 99)};
}

std::size_t round_down_to_page(std::size_t bytes, std::size_t fallback_multiple) {
  if (bytes >= kPage) return bytes / kPage * kPage;
  return std::max(bytes / fallback_multiple * fallback_multiple, fallback_multiple);
}

}  // namespace

std::size_t largest_m_request(std::size_t packet_size) {
  if (packet_size == 0) packet_size = kFallbackPacketSize;
  // The hex reply is twice the data plus "$", "#" and two checksum digits.
  return round_down_to_page(packet_size > 4 ? (packet_size - 4) / 2 : 8, 8);
}

std::size_t largest_x_request(std::size_t packet_size) {
  if (packet_size == 0) packet_size = kFallbackPacketSize;
  // Data of PacketSize bytes; escaping can make the reply up to twice that on the wire.
  return round_down_to_page(packet_size, 8);
}

SessionFigures measure_session(rsp::Client& client, pid_t stub_pid, const Buffer& buffer,
                               const SessionPlan& plan, const std::string& stub_name) {
  SessionFigures f;
  f.features = client.features();
  f.x_dialect = client.x_dialect();
  f.m_request = largest_m_request(f.features.packet_size);
  f.x_request = largest_x_request(f.features.packet_size);
  measure_bulk(client, stub_pid, buffer, plan, stub_name, f);
  measure_by_size(client, buffer, plan, stub_name, f);
  f.small_m = measure_small_reads(client, buffer, plan, stub_name, f.bytes_verified);
  f.reads = client.stats();
  return f;
}

}  // namespace bench
