// Unit tests of the benchmark's RSP client against a scripted stub on 127.0.0.1: replies that
// arrive in pieces (split inside an escape and between hex digits), a run length that turns up
// in the middle of a reply being decoded piece by piece, a bad checksum, and error replies.
#define BOOST_TEST_MODULE bench_client
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <boost/test/included/unit_test.hpp>
#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "rsp_client.hpp"
#include "rsp_codec.hpp"

using namespace bench;
using namespace std::chrono_literals;

namespace {

std::string frame(const std::string& payload) {
  std::string out;
  rsp::append_frame(out, payload);
  return out;
}

// A stub that answers the handshake itself and every `m`/`x` request with the next scripted
// reply: a list of byte strings sent 30 ms apart, so the client sees them as separate pieces.
class ScriptedStub {
 public:
  using Reply = std::vector<std::string>;

  explicit ScriptedStub(std::vector<Reply> replies) : replies_(std::move(replies)) {
    listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
    // accept() and recv() give up after 10 s, so a test that fails before its client connects,
    // or leaves it hanging, ends instead of waiting for ever in the destructor's join.
    timeval limit{10, 0};
    ::setsockopt(listener_, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    BOOST_REQUIRE(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    BOOST_REQUIRE(::listen(listener_, 1) == 0);
    socklen_t len = sizeof addr;
    ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~ScriptedStub() {
    thread_.join();
    ::close(listener_);
  }
  std::uint16_t port() const { return port_; }

 private:
  void send_text(int fd, const std::string& text) {
    ::send(fd, text.data(), text.size(), MSG_NOSIGNAL);
  }

  void serve() {
    const int fd = ::accept(listener_, nullptr, nullptr);
    if (fd < 0) return;
    timeval limit{10, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    std::string in;
    std::size_t next = 0;
    char buf[4096];
    for (;;) {
      const std::size_t dollar = in.find('$');
      const std::size_t hash = in.find('#', dollar == std::string::npos ? 0 : dollar);
      if (dollar == std::string::npos || hash == std::string::npos || hash + 3 > in.size()) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n <= 0) break;
        in.append(buf, static_cast<std::size_t>(n));
        continue;
      }
      const std::string payload = in.substr(dollar + 1, hash - dollar - 1);
      in.erase(0, hash + 3);
      if (payload == "QStartNoAckMode") {
        send_text(fd, "+" + frame("OK"));
      } else if (payload.rfind("qSupported", 0) == 0) {
        send_text(fd, frame("PacketSize=40000;binary-upload+"));
      } else if (payload == "?") {
        send_text(fd, frame("S05"));
      } else if (next < replies_.size()) {
        const Reply& reply = replies_[next++];
        for (std::size_t i = 0; i < reply.size(); ++i) {
          if (i > 0) std::this_thread::sleep_for(30ms);
          send_text(fd, reply[i]);
        }
      } else {
        send_text(fd, frame("E01"));
      }
    }
    ::close(fd);
  }

  std::vector<Reply> replies_;
  int listener_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

// What one read hands the sink: the pieces in order, each at its address.
struct Collected {
  std::vector<std::uint8_t> bytes;
  int pieces = 0;
  bool contiguous = true;
};

Collected read_all(rsp::Client& client, rsp::ReadKind kind, std::uint64_t address,
                   std::size_t length) {
  Collected c;
  client.read(kind, address, length, length, [&](std::uint64_t at, std::span<const std::uint8_t> b) {
    c.contiguous = c.contiguous && at == address + c.bytes.size();
    c.bytes.insert(c.bytes.end(), b.begin(), b.end());
    ++c.pieces;
  });
  return c;
}

std::vector<std::uint8_t> varied(std::size_t n, unsigned seed) {
  std::vector<std::uint8_t> bytes(n);
  for (std::size_t i = 0; i < n; ++i) bytes[i] = static_cast<std::uint8_t>((i * 37 + seed) ^ (i >> 3));
  return bytes;
}

}  // namespace

BOOST_AUTO_TEST_CASE(a_reply_in_pieces_reaches_the_sink_piece_by_piece_and_whole) {
  // x: 600 bytes with escapes, split right after a '}'; m: split between the two digits of a
  // byte.
  std::vector<std::uint8_t> data = varied(600, 5);
  data[300] = '}';
  data[301] = '#';
  const std::string x_body = "b" + rsp::escape_binary(data);
  const std::size_t cut = x_body.find('}', 200) + 1;  // the piece ends inside the escape
  const std::string x_frame = frame(x_body);
  const std::string m_frame = frame(rsp::hex_encode(data));
  ScriptedStub stub({{x_frame.substr(0, cut + 1), x_frame.substr(cut + 1)},
                     {m_frame.substr(0, 402), m_frame.substr(402, 500), m_frame.substr(902)}});
  rsp::Client client(stub.port());
  client.handshake();
  BOOST_TEST((client.x_dialect() == rsp::XDialect::prefixed));

  Collected x = read_all(client, rsp::ReadKind::x, 0x1000, data.size());
  BOOST_TEST(x.bytes == data);
  BOOST_TEST(x.contiguous);
  BOOST_TEST(x.pieces >= 2);  // decoded before the rest had come

  Collected m = read_all(client, rsp::ReadKind::m, 0x2000, data.size());
  BOOST_TEST(m.bytes == data);
  BOOST_TEST(m.contiguous);
  BOOST_TEST(m.pieces >= 3);
}

BOOST_AUTO_TEST_CASE(a_run_length_after_the_first_piece_is_expanded_once) {
  // 200 varied bytes, then 21 zero bytes as '0' and "*F" (the '0' and 42 - 1 more copies),
  // then 100 more: the '*' arrives after the first 200 bytes went to the sink.
  const std::vector<std::uint8_t> head = varied(200, 9), tail = varied(100, 1);
  std::vector<std::uint8_t> data = head;
  data.insert(data.end(), 21, 0);
  data.insert(data.end(), tail.begin(), tail.end());
  const std::string body = rsp::hex_encode(head) + "0*F" + rsp::hex_encode(tail);
  const std::string whole = frame(body);
  ScriptedStub stub({{whole.substr(0, 1 + 400), whole.substr(1 + 400)}});
  rsp::Client client(stub.port());
  client.handshake();
  Collected m = read_all(client, rsp::ReadKind::m, 0x3000, data.size());
  BOOST_TEST(m.bytes == data);
  BOOST_TEST(m.contiguous);
  BOOST_TEST(m.pieces == 2);
}

BOOST_AUTO_TEST_CASE(a_bad_checksum_or_an_error_reply_fails_the_read) {
  const std::vector<std::uint8_t> data = varied(300, 3);
  std::string bad = frame("b" + rsp::escape_binary(data));
  bad[bad.size() - 1] = bad[bad.size() - 1] == '0' ? '1' : '0';
  const std::string long_error = frame("E.memory read failed: the address is not mapped in the process, nor near anything");
  ScriptedStub stub({{bad.substr(0, 150), bad.substr(150)},
                     {long_error.substr(0, 20), long_error.substr(20)},
                     {frame("E14")}});
  rsp::Client client(stub.port());
  client.handshake();
  BOOST_CHECK_THROW(read_all(client, rsp::ReadKind::x, 0x4000, data.size()), rsp::ProtocolError);
  BOOST_CHECK_THROW(read_all(client, rsp::ReadKind::m, 0x4000, 64), rsp::StubError);
  BOOST_CHECK_THROW(read_all(client, rsp::ReadKind::m, 0x4000, 64), rsp::StubError);
}
