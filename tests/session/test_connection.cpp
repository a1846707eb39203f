// The Asio connection with a controlled process: a stop that arrives while a reply is being
// written goes out after it, whole, never interleaved (over a 127.0.0.1 TCP pair with small
// socket buffers, so the big reply cannot be buffered whole; TCP rather than a Unix socket pair
// because Windows has no AF_UNIX socketpair).
#include <boost/test/data/test_case.hpp>
#include <boost/test/unit_test.hpp>

#include <boost/asio.hpp>

#include "run_fixture.hpp"
#include "stub/connection.hpp"

using namespace rspstub::test;
namespace asio = boost::asio;
using Socket = asio::ip::tcp::socket;

namespace {

// Connects `ours` and `client` over 127.0.0.1, each with `buffers`-byte socket buffers.
void connect_loopback_pair(asio::io_context& io, Socket& ours, Socket& client,
                           int buffers = 8192) {
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::address_v4::loopback(), 0});
  client.open(asio::ip::tcp::v4());
  client.set_option(asio::socket_base::receive_buffer_size(buffers));
  client.set_option(asio::socket_base::send_buffer_size(buffers));
  client.connect(acceptor.local_endpoint());
  acceptor.accept(ours);
  ours.set_option(asio::socket_base::receive_buffer_size(buffers));
  ours.set_option(asio::socket_base::send_buffer_size(buffers));
}

// Drives the connection and reads what it sends until `size` bytes came (or it gives up).
std::string receive(asio::io_context& io, Socket& client, std::size_t size) {
  std::string received;
  client.non_blocking(true);
  std::array<char, 65536> buf;
  for (int guard = 0; guard < 200000 && received.size() < size; ++guard) {
    io.poll();
    boost::system::error_code ec;
    const std::size_t n = client.read_some(asio::buffer(buf), ec);
    if (!ec) received.append(buf.data(), n);
  }
  return received;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(stop_during_a_write_follows_that_write, RunFixture) {
  constexpr std::uint64_t kBig = 0x80000;  // a 1 MiB hex reply: far more than a socket buffers
  dbg.process().add_region(0x10000000, pattern_bytes(0x10000000, kBig), true, true, false);
  config.packet_size = 2 * kBig + 64;
  asio::io_context io;
  Socket ours(io), client(io);
  connect_loopback_pair(io, ours, client);
  bool ended = false;
  auto connection = std::make_shared<rspstub::stub::Connection<Socket>>(
      std::move(ours), *target, config, log, [&](const std::string&) { ended = true; });
  connection->start();

  // Resume, then (while it runs) ask for the big read, and let the stub start writing it.
  queue_stop(rspstub::platform::StopReason::breakpoint, posix_signal::trap, kPid, 0x400150);
  const std::string requests = frame("vCont;c") + frame("m10000000,80000");
  asio::write(client, asio::buffer(requests));
  for (int i = 0; i < 50; ++i) io.poll();
  BOOST_TEST(connection->awaiting_stop());

  // The stop arrives mid-write: the connection must hold it back.
  auto event = dbg.poll_event();
  BOOST_REQUIRE(event.has_value());
  target->record_event(*event);
  connection->target_stopped();

  std::string received;
  client.non_blocking(true);
  std::array<char, 65536> buf;
  for (int guard = 0; guard < 100000 && received.find("thread:") == std::string::npos; ++guard) {
    io.poll();
    boost::system::error_code ec;
    const std::size_t n = client.read_some(asio::buffer(buf), ec);
    if (!ec) received.append(buf.data(), n);
  }
  for (int guard = 0; guard < 100 && !received.ends_with("#") &&
                      received.find('#', received.rfind("$T05")) + 3 > received.size();
       ++guard) {
    io.poll();
    boost::system::error_code ec;
    const std::size_t n = client.read_some(asio::buffer(buf), ec);
    if (!ec) received.append(buf.data(), n);
  }
  const std::string big = "+" + frame(to_hex(pattern(0x10000000, kBig)));
  const std::string expected =
      "+" + big + frame("T05" + expedited(kRbp, kRsp, 0x400150) + "thread:1092;");
  BOOST_TEST(received.size() == expected.size());
  BOOST_TEST((received == expected));
  BOOST_TEST(!ended);
}

// Replies go out in one system call when the socket takes them whole, and through an
// asynchronous write for the rest when it does not: either way every reply, streamed in pieces
// or not, arrives whole and in order, pipelined requests included. With 8 KiB socket buffers
// nearly every piece takes the asynchronous path; with 4 MiB ones nearly none does.
BOOST_DATA_TEST_CASE_F(RunFixture, streamed_replies_arrive_whole_and_in_order,
                       boost::unit_test::data::make({8192, 4 << 20}), buffers) {
  constexpr std::uint64_t kBig = 0x30000;  // three streamed 64 KiB pieces of m, 192 KiB of x
  dbg.process().add_region(0x10000000, pattern_bytes(0x10000000, kBig), true, true, false);
  config.packet_size = 0x80000;  // room for all of it in one m reply
  asio::io_context io;
  Socket ours(io), client(io);
  connect_loopback_pair(io, ours, client, buffers);
  bool ended = false;
  auto connection = std::make_shared<rspstub::stub::Connection<Socket>>(
      std::move(ours), *target, config, log, [&](const std::string&) { ended = true; });
  connection->start();

  const std::string requests = frame("QStartNoAckMode") + "+" + frame("m10000000,30000") +
                               frame("m600000,10") + frame("x10000000,30000") +
                               frame("m10000000,30000");
  asio::write(client, asio::buffer(requests));
  const std::string hex = to_hex(pattern(0x10000000, kBig));
  const std::string binary = pattern(0x10000000, kBig);
  std::string escaped;
  for (char c : binary) {
    if (c == '#' || c == '$' || c == '}' || c == '*') {
      escaped += '}';
      escaped += static_cast<char>(c ^ 0x20);
    } else {
      escaped += c;
    }
  }
  const std::string expected = "+" + frame("OK") + frame(hex) +
                               frame(to_hex(pattern(0x600000, 0x10))) + frame("b" + escaped) +
                               frame(hex);
  const std::string received = receive(io, client, expected.size());
  BOOST_TEST(received.size() == expected.size());
  BOOST_TEST((received == expected));
  BOOST_TEST(!ended);
}

// Replies sent at once skip the event loop, so a long run of pipelined requests could keep
// signals and the target's events waiting: after 64 such replies the connection lets the loop
// run (one handler) before it answers the next request.
BOOST_FIXTURE_TEST_CASE(a_flood_of_requests_lets_the_event_loop_run, RunFixture) {
  asio::io_context io;
  Socket ours(io), client(io);
  connect_loopback_pair(io, ours, client, 4 << 20);
  std::string requests;
  const std::string request = frame("m600000,10");
  for (int i = 0; i < 200; ++i) requests += request;
  asio::write(client, asio::buffer(requests));  // all of it waits in the socket from here on
  auto connection = std::make_shared<rspstub::stub::Connection<Socket>>(
      std::move(ours), *target, config, log, [](const std::string&) {});
  connection->start();

  std::string received;
  client.non_blocking(true);
  auto replies = [&] {
    std::array<char, 65536> buf;
    for (;;) {
      boost::system::error_code ec;
      const std::size_t n = client.read_some(asio::buffer(buf), ec);
      if (ec) break;
      received.append(buf.data(), n);
    }
    return std::count(received.begin(), received.end(), '$');
  };
  // The first batch: right away (the stub polled the socket) or after the read's handler.
  for (int guard = 0; guard < 1000 && replies() == 0; ++guard)
    io.run_one_for(std::chrono::milliseconds(10));
  BOOST_TEST(replies() == 64);
  io.run_one_for(std::chrono::seconds(5));
  BOOST_TEST(replies() == 128);
  // Then the rest (the connection ends up waiting for more input: the loop never runs dry).
  for (int guard = 0; guard < 1000 && replies() < 200; ++guard)
    io.run_one_for(std::chrono::milliseconds(10));
  BOOST_TEST(replies() == 200);
  const std::string one = "+" + frame(to_hex(pattern(0x600000, 0x10)));
  std::string expected;
  for (int i = 0; i < 200; ++i) expected += one;
  BOOST_TEST((received == expected));
}
