#include "limits.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <exception>
#include <span>
#include <system_error>
#include <thread>
#include <vector>

#include "body_decoder.hpp"
#include "measure.hpp"
#include "rsp_codec.hpp"
#include "stats.hpp"
#include "verify.hpp"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kStreamWrite = 1u << 20;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// How far into `room` (0..4095 bytes) a copy of `source` must start to sit `distance` bytes past
// it modulo 4 KiB: the kernel's and libc's copies slow down 3-4x on this CPU when the distance is
// 1-31 bytes (protocol/copy_placement.hpp), so the limits say where their copies land.
std::size_t placement(const void* room, const void* source, std::size_t distance) {
  return (reinterpret_cast<std::uintptr_t>(source) + distance -
          reinterpret_cast<std::uintptr_t>(room)) & 4095;
}

// Copies [address, address + size) of pid into `into`, in calls of into.size() bytes, calling check
// on each chunk. Returns false with errno set if the kernel refuses.
template <typename Check>
bool copy_remote(pid_t pid, const Buffer& buffer, std::span<std::uint8_t> into, Check check) {
  for (std::uint64_t done = 0; done < buffer.size;) {
    std::size_t want =
        static_cast<std::size_t>(std::min<std::uint64_t>(into.size(), buffer.size - done));
    iovec local{into.data(), want};
    iovec remote{reinterpret_cast<void*>(buffer.address + done), want};
    ssize_t n = ::process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    check(buffer.address + done,
          std::span<const std::uint8_t>(into.data(), static_cast<std::size_t>(n)));
    done += static_cast<std::uint64_t>(n);
  }
  return true;
}

// A connected pair of loopback TCP sockets.
struct SocketPair {
  int client = -1;
  int server = -1;
  SocketPair();
  ~SocketPair() {
    if (client >= 0) ::close(client);
    if (server >= 0) ::close(server);
  }
};

SocketPair::SocketPair() {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener < 0) throw_errno("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 1) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw_errno("loopback listener");
  client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (client < 0 || ::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw_errno("loopback connect");
  server = ::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  ::close(listener);
  if (server < 0) throw_errno("loopback accept");
  int one = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::setsockopt(server, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

void send_all(int fd, const std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("loopback send");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void receive_exactly(int fd, std::uint8_t* data, std::size_t size) {
  while (size > 0) {
    ssize_t n = ::recv(fd, data, size, 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      throw_errno("loopback recv");
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

double one_stream(std::uint64_t bytes) {
  SocketPair pair;
  std::vector<std::uint8_t> out(kStreamWrite, 0x5a), in(kStreamWrite);
  auto start = Clock::now();
  std::exception_ptr failure;
  std::thread sender([&] {
    try {
      for (std::uint64_t sent = 0; sent < bytes; sent += kStreamWrite)
        send_all(pair.client, out.data(),
                 static_cast<std::size_t>(std::min<std::uint64_t>(kStreamWrite, bytes - sent)));
    } catch (...) {
      failure = std::current_exception();
      ::shutdown(pair.client, SHUT_RDWR);
    }
  });
  std::uint64_t received = 0;
  while (received < bytes) {
    ssize_t n = ::recv(pair.server, in.data(), in.size(), 0);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      sender.join();
      if (failure) std::rethrow_exception(failure);
      throw_errno("loopback recv");
    }
    received += static_cast<std::uint64_t>(n);
  }
  double mbps = static_cast<double>(bytes) / seconds_since(start) / 1e6;
  sender.join();
  if (failure) std::rethrow_exception(failure);
  return mbps;
}

volatile unsigned g_checksum_sink = 0;

// A reply payload carrying `size` bytes of the pattern from `address`.
std::string pattern_payload(std::uint64_t address, std::size_t size, bool hex) {
  std::vector<std::uint8_t> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = pattern_byte(address + i);
  return hex ? rsp::hex_encode(bytes) : rsp::escape_binary(bytes);
}

// The client's own work on `bytes` of replies, as it does it on the wire: each reply arrives
// in 64 KiB pieces (copied, as recv would), and each piece is summed, decoded and verified.
double one_client_pass(const std::string& payload, std::uint64_t address, std::size_t reply,
                       std::uint64_t bytes, bool hex) {
  constexpr std::size_t kPiece = 64u << 10;
  // The copy lands half a page from the payload modulo 4 KiB. A copy whose destination is 1-31
  // bytes past its source modulo 4 KiB runs 3-4x slower on this CPU (see the process_vm_readv
  // row): without this, where malloc happened to put the two buffers decided the figure (`m`
  // 570-600 against 1300-1560 MB/s in two builds that differ only in where the payload was built).
  std::vector<char> room(payload.size() + 4096);
  char* const work = room.data() + placement(room.data(), payload.data(), 2048);
  std::vector<std::uint8_t> out(reply);
  unsigned sink = 0;
  auto start = Clock::now();
  for (std::uint64_t done = 0; done < bytes; done += reply) {
    rsp::BodyDecoder decoder(hex, 0, out);
    for (std::size_t at = 0; at < payload.size(); at += kPiece) {
      const std::size_t n = std::min(kPiece, payload.size() - at);
      std::memcpy(work + at, payload.data() + at, n);
      const std::size_t before = decoder.produced();
      verify_pattern(address + before, decoder.feed({work, at + n}), "client ceiling");
    }
    decoder.finish();
    if (decoder.produced() != reply) throw std::logic_error("client ceiling: short decode");
    sink += decoder.checksum();
  }
  double mbps = static_cast<double>(bytes) / seconds_since(start) / 1e6;
  g_checksum_sink = sink;  // keeps the checksums from being optimised away
  return mbps;
}

}  // namespace

double client_ceiling_mbps(bool hex, std::uint64_t bytes, int repetitions) {
  constexpr std::size_t kReply = 256u << 10;
  constexpr std::uint64_t kAddress = 0x7f0000000000ULL;
  const std::string payload = pattern_payload(kAddress, kReply, hex);
  std::vector<double> runs;
  for (int i = 0; i < repetitions; ++i)
    runs.push_back(one_client_pass(payload, kAddress, kReply, bytes, hex));
  return median(runs);
}

std::optional<double> vm_readv_mbps(pid_t pid, const Buffer& buffer, std::size_t call,
                                    std::size_t distance, int repetitions, std::string& note) {
  std::vector<std::uint8_t> room(call + 4096);
  const std::span<std::uint8_t> into(
      room.data() + placement(room.data(), reinterpret_cast<const void*>(buffer.address), distance),
      call);
  auto verify = [](std::uint64_t at, std::span<const std::uint8_t> bytes) {
    verify_pattern(at, bytes, "process_vm_readv");
  };
  if (!copy_remote(pid, buffer, into, verify)) {
    note = std::string("process_vm_readv refused: ") + std::strerror(errno);
    return std::nullopt;
  }
  std::vector<double> runs;
  for (int i = 0; i < repetitions; ++i) {
    auto start = Clock::now();
    if (!copy_remote(pid, buffer, into, [](std::uint64_t, std::span<const std::uint8_t>) {}))
      throw_errno("process_vm_readv");
    runs.push_back(static_cast<double>(buffer.size) / seconds_since(start) / 1e6);
  }
  return median(runs);
}

double tcp_stream_mbps(std::uint64_t bytes, int repetitions) {
  std::vector<double> runs;
  for (int i = 0; i < repetitions; ++i) runs.push_back(one_stream(bytes));
  return median(runs);
}

RequestReply tcp_request_reply(std::size_t reply_bytes, double seconds, double window) {
  SocketPair pair;
  std::exception_ptr failure;
  std::thread server([&] {
    try {
      std::vector<std::uint8_t> reply(reply_bytes, 0x5a);
      std::uint8_t request = 0;
      for (;;) {
        ssize_t n = ::recv(pair.server, &request, 1, 0);
        if (n == 0) return;  // the client is done
        if (n < 0) {
          if (errno == EINTR) continue;
          throw_errno("loopback recv");
        }
        send_all(pair.server, reply.data(), reply.size());
      }
    } catch (...) {
      failure = std::current_exception();
      ::shutdown(pair.server, SHUT_RDWR);
    }
  });
  std::vector<double> rates;
  try {
    std::vector<std::uint8_t> in(reply_bytes);
    const std::uint8_t request = 'm';
    auto start = Clock::now();
    auto window_start = start;
    std::uint64_t bytes = 0;
    while (seconds_since(start) < seconds) {
      send_all(pair.client, &request, 1);
      receive_exactly(pair.client, in.data(), in.size());
      bytes += reply_bytes;
      const double elapsed = seconds_since(window_start);
      if (elapsed >= window) {
        rates.push_back(static_cast<double>(bytes) / elapsed / 1e6);
        bytes = 0;
        window_start = Clock::now();
      }
    }
  } catch (...) {
    ::shutdown(pair.client, SHUT_RDWR);
    server.join();
    throw;
  }
  ::shutdown(pair.client, SHUT_WR);
  server.join();
  if (failure) std::rethrow_exception(failure);
  RequestReply r;
  r.reply_bytes = reply_bytes;
  r.window_seconds = window;
  r.windows = static_cast<int>(rates.size());
  if (!rates.empty()) {
    r.median_mbps = median(rates);
    r.slowest_mbps = *std::min_element(rates.begin(), rates.end());
    r.fastest_mbps = *std::max_element(rates.begin(), rates.end());
  }
  return r;
}

std::size_t bulk_m_reply_bytes() {
  constexpr std::size_t kRspstubPacketSize = 256u << 10;
  return 2 * largest_m_request(kRspstubPacketSize) + 4;
}

struct RoundTrip::State {
  SocketPair pair;
  std::thread echo;
  std::exception_ptr failure;
};

RoundTrip::RoundTrip() : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.echo = std::thread([&s] {
    try {
      std::uint8_t byte = 0;
      for (;;) {
        ssize_t n = ::recv(s.pair.server, &byte, 1, 0);
        if (n == 0) return;  // the timing end is done
        if (n < 0) {
          if (errno == EINTR) continue;
          throw_errno("loopback recv");
        }
        send_all(s.pair.server, &byte, 1);
      }
    } catch (...) {
      s.failure = std::current_exception();
      ::shutdown(s.pair.server, SHUT_RDWR);  // the timing end's recv fails instead of hanging
    }
  });
}

RoundTrip::~RoundTrip() {
  ::shutdown(state_->pair.client, SHUT_WR);
  state_->echo.join();
}

double RoundTrip::once_us() {
  std::uint8_t byte = '+';
  auto start = Clock::now();
  send_all(state_->pair.client, &byte, 1);
  try {
    receive_exactly(state_->pair.client, &byte, 1);
  } catch (...) {
    if (state_->failure) std::rethrow_exception(state_->failure);
    throw;
  }
  return seconds_since(start) * 1e6;
}

void tcp_round_trip(int count, double& p50_us, double& p99_us) {
  constexpr int kWarmup = 1000;
  RoundTrip partner;
  for (int i = 0; i < kWarmup; ++i) partner.once_us();
  std::vector<double> micros;
  micros.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) micros.push_back(partner.once_us());
  p50_us = percentile(micros, 50);
  p99_us = percentile(micros, 99);
}

double tcp_stream_once_mbps(std::uint64_t bytes) { return one_stream(bytes); }

}  // namespace bench
