#include "rsp_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <system_error>

#include "body_decoder.hpp"
#include "rsp_codec.hpp"

namespace bench::rsp {
namespace {

constexpr std::size_t kInitialBuffer = 4u << 20;
// No reply of any stub measured comes near this (lldb-server's largest is about 1.2 MB); a
// stub that sends more without ending its packet is broken, not slow.
constexpr std::size_t kLargestFrame = 64u << 20;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

int connect_loopback(std::uint16_t port, std::chrono::seconds timeout) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw_errno("socket");
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{static_cast<time_t>(timeout.count()), 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int saved = errno;
    ::close(fd);
    errno = saved;
    throw_errno("connect to the stub");
  }
  return fd;
}

Features parse_features(std::string_view reply) {
  Features f;
  f.reply = std::string(reply);
  while (!reply.empty()) {
    std::size_t semi = reply.find(';');
    std::string_view item = reply.substr(0, semi);
    if (item.starts_with("PacketSize=")) {
      f.packet_size = std::stoull(std::string(item.substr(11)), nullptr, 16);
    } else if (item == "binary-upload+") {
      f.binary_upload = true;
    }
    reply = semi == std::string_view::npos ? std::string_view{} : reply.substr(semi + 1);
  }
  return f;
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const char* to_string(XDialect dialect) {
  switch (dialect) {
    case XDialect::none:
      return "none";
    case XDialect::prefixed:
      return "b-prefixed (binary-upload+)";
    case XDialect::bare:
      return "bare (x0,0 -> OK)";
  }
  return "?";
}

Client::Client(std::uint16_t port, std::chrono::seconds timeout)
    : fd_(connect_loopback(port, timeout)), in_(kInitialBuffer) {}

Client::~Client() {
  if (fd_ >= 0) ::close(fd_);
}

void Client::handshake() {
  bool no_ack = transact("QStartNoAckMode") == "OK";
  ack_mode_ = !no_ack;
  features_ = parse_features(
      transact("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386"));
  features_.no_ack = no_ack;
  // gdbserver serves memory only once a client has asked why the target stopped, as gdb
  // and lldb always do before reading.
  transact("?");
  if (features_.binary_upload) {
    x_dialect_ = XDialect::prefixed;
  } else {
    x_dialect_ = transact("x0,0") == "OK" ? XDialect::bare : XDialect::none;
  }
}

std::string_view Client::transact(std::string_view payload) {
  send_packet(payload);
  return receive_payload();
}

void Client::read(ReadKind kind, std::uint64_t address, std::uint64_t length, std::size_t request,
                  const Sink& sink) {
  if (kind == ReadKind::x && x_dialect_ == XDialect::none)
    throw std::logic_error("this stub has no x packet");
  const std::uint64_t end = address + length;
  while (address < end) {
    std::size_t asked = static_cast<std::size_t>(std::min<std::uint64_t>(request, end - address));
    std::size_t got = read_once(kind, address, asked, sink);
    if (got < asked) ++stats_.short_replies;
    address += got;
  }
}

// The reply is decoded piece by piece as it arrives (body_decoder.hpp) once it is clearly data:
// longer than any error reply and, for GDB's `x`, starting with its 'b'. A reply that arrives
// whole, or that turns out to be run-length encoded, is decoded as a whole instead.
std::size_t Client::read_once(ReadKind kind, std::uint64_t address, std::size_t length,
                              const Sink& sink) {
  send_request(kind == ReadKind::m ? 'm' : 'x', address, length);
  ++stats_.requests;
  const bool prefixed = kind == ReadKind::x && x_dialect_ == XDialect::prefixed;
  std::optional<BodyDecoder> decoder;
  // Hands what has newly become whole to the sink.
  auto decode = [&](std::span<const char> body) {
    const std::size_t before = decoder->produced();
    const std::span<const std::uint8_t> piece = decoder->feed(body);
    if (decoder->produced() > length)
      throw ProtocolError("more bytes than asked (a request for " + std::to_string(length) + ")");
    if (!piece.empty()) sink(address + before, piece);
  };
  const Frame frame = receive_frame_parts([&](std::span<const char> body) {
    if (!decoder && looks_like_data(kind, prefixed, body))
      decoder.emplace(kind == ReadKind::m, prefixed ? 1 : 0, binary_);
    if (decoder) decode(body);
  });
  if (ack_mode_) send_all("+");
  if (decoder) decode(frame.body);
  if (!decoder || decoder->run_length()) {
    // Decoded whole; only the bytes the sink has not had yet go to it.
    check_checksum(frame.body, frame.sum);
    const std::span<const std::uint8_t> bytes =
        reply_bytes(kind, decode_payload(frame.body, decoded_), length);
    const std::size_t delivered = decoder ? decoder->produced() : 0;
    if (bytes.size() < delivered) throw ProtocolError("a run-length reply shrank");
    if (bytes.size() > delivered) sink(address + delivered, bytes.subspan(delivered));
    return bytes.size();
  }
  decoder->finish();
  if (frame.sum != decoder->checksum())
    throw ProtocolError("bad checksum in a reply of " + std::to_string(frame.body.size()) +
                        " bytes");
  if (decoder->produced() == 0) throw ProtocolError("empty data");
  return decoder->produced();
}

// Long enough that no error reply (E NN, E.text) can be mistaken for data, and data as `kind`
// begins: a 'b' for GDB's `x`, no "E NN;"/"E." start for `m` (hex data never has ';' or '.').
bool Client::looks_like_data(ReadKind kind, bool prefixed, std::span<const char> body) const {
  constexpr std::size_t kLongerThanAnError = 64;
  if (body.size() < kLongerThanAnError) return false;
  if (prefixed) return body[0] == 'b';
  if (kind == ReadKind::x) return true;  // LLDB's bare `x`: an error is exactly 3 bytes
  return !parse_error({body.data(), kLongerThanAnError}).has_value();
}

std::span<const std::uint8_t> Client::reply_bytes(ReadKind kind, std::string_view reply,
                                                  std::size_t asked) {
  auto describe = [&](const char* what) {
    return std::string(what) + " (reply of " + std::to_string(reply.size()) +
           " bytes to a request for " + std::to_string(asked) + ")";
  };
  bool may_be_error = kind == ReadKind::m || x_dialect_ == XDialect::prefixed || reply.size() == 3;
  if (auto code = parse_error(reply); code && may_be_error)
    throw StubError(*code, "stub replied " + std::string(reply.substr(0, 32)));
  if (kind == ReadKind::x && x_dialect_ == XDialect::prefixed) {
    if (reply.empty() || reply[0] != 'b') throw ProtocolError(describe("x reply without 'b'"));
    reply.remove_prefix(1);
  }
  std::size_t count = kind == ReadKind::m ? reply.size() / 2 : reply.size();
  if (count == 0) throw ProtocolError(describe("empty data"));
  if (count > asked) throw ProtocolError(describe("more bytes than asked"));
  if (kind == ReadKind::x)
    return {reinterpret_cast<const std::uint8_t*>(reply.data()), reply.size()};
  if (binary_.size() < count) binary_.resize(count);
  hex_decode(reply, binary_.data());
  return {binary_.data(), count};
}

void Client::send_request(char op, std::uint64_t address, std::size_t length) {
  char text[40];
  std::size_t n = 0;
  text[n++] = op;
  n += format_hex(address, text + n);
  text[n++] = ',';
  n += format_hex(length, text + n);
  send_packet({text, n});
}

void Client::send_packet(std::string_view payload) {
  out_.clear();
  append_frame(out_, payload);
  send_all(out_);
}

void Client::send_all(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("send to the stub");
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
}

std::string_view Client::receive_payload() {
  std::span<char> raw = receive_frame();
  if (ack_mode_) send_all("+");
  return decode_payload(raw, decoded_);
}

// The two hex digits after a '#', or -1.
int Client::frame_checksum(const char* hash) {
  const int hi = hex_digit(hash[1]);
  const int lo = hex_digit(hash[2]);
  return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
}

void Client::check_checksum(std::span<const char> body, int sum) {
  if (sum < 0 || checksum({body.data(), body.size()}) != sum)
    throw ProtocolError("bad checksum in a reply of " + std::to_string(body.size()) + " bytes");
}

// Receives the next packet: its body (between '$' and '#', in in_ until the next receive, and
// decodable in place) and the checksum its '#' carries, unchecked. Acks ('+', '-') before the
// packet are skipped. Each time it must wait for more bytes, `progress` sees the body received
// so far (never the '#').
template <typename Progress>
Client::Frame Client::receive_frame_parts(Progress&& progress) {
  for (;;) {
    const char* begin = in_.data() + head_;
    const char* dollar = static_cast<const char*>(std::memchr(begin, '$', tail_ - head_));
    if (dollar != nullptr) {
      head_ += static_cast<std::size_t>(dollar - begin);
      break;
    }
    head_ = tail_;
    fill();
  }
  // Packet bodies never hold a raw '#': it is always escaped (and never a run-length count).
  std::size_t scanned = 1;  // offset from head_ already searched for '#'
  for (;;) {
    char* const packet = in_.data() + head_;
    const std::size_t avail = tail_ - head_;
    const char* hash = static_cast<const char*>(std::memchr(packet + scanned, '#', avail - scanned));
    scanned = hash != nullptr ? static_cast<std::size_t>(hash - packet) : avail;
    if (hash != nullptr && scanned + 3 <= avail) {
      head_ += scanned + 3;
      return {{packet + 1, scanned - 1}, frame_checksum(hash)};
    }
    progress(std::span<const char>(packet + 1, scanned - 1));
    fill();  // from the '#' (waiting for its checksum digits) or the end
  }
}

std::span<char> Client::receive_frame() {
  const Frame frame = receive_frame_parts([](std::span<const char>) {});
  check_checksum(frame.body, frame.sum);
  return frame.body;
}

// Receives more bytes at tail_, first compacting the buffer or growing it when full.
void Client::fill() {
  if (head_ == tail_) head_ = tail_ = 0;
  if (tail_ == in_.size()) {
    if (head_ > 0) {
      std::memmove(in_.data(), in_.data() + head_, tail_ - head_);
      tail_ -= head_;
      head_ = 0;
    } else {
      if (in_.size() >= kLargestFrame)
        throw ProtocolError("a packet longer than " + std::to_string(kLargestFrame >> 20) +
                            " MiB without its end");
      in_.resize(in_.size() * 2);
    }
  }
  for (;;) {
    ssize_t n = ::recv(fd_, in_.data() + tail_, in_.size() - tail_, 0);
    if (n > 0) {
      tail_ += static_cast<std::size_t>(n);
      return;
    }
    if (n == 0) throw ProtocolError("the stub closed the connection");
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      throw ProtocolError("no reply from the stub within the timeout");
    throw_errno("recv from the stub");
  }
}

}  // namespace bench::rsp
