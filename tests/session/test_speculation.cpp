// Speculative reads (stub/speculative_read.hpp): after a whole bulk read of a stopped process,
// the session reads the first piece of the next one while it waits, and answers the request
// from it if, and only if, nothing could have changed the memory meanwhile. Each case checks the
// bytes the client gets against the process's memory at the time of the request.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <thread>

#include "run_fixture.hpp"

using namespace rspstub;
using namespace rspstub::test;

namespace {

constexpr std::uint64_t kBlock = 0x700000;
constexpr std::size_t kBlockSize = 0x8000;

struct SpeculationFixture : RunFixture {
  SpeculationFixture() {
    dbg.process().add_region(kBlock, pattern_bytes(kBlock, kBlockSize), true, true, false);
    // Long enough that a slow (sanitized) build never sees a speculation expire between two
    // requests; the age limit has a case of its own.
    config.speculation_max_age = std::chrono::seconds(60);
    restart();
    gdb_handshake();
  }

  platform::fake::FakeProcess& proc() { return dbg.process(); }
  std::uint64_t hits() const { return session->speculation().hits(); }

  static std::string x_packet(std::uint64_t addr, std::size_t n) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "x%llx,%zx", static_cast<unsigned long long>(addr), n);
    return buf;
  }
  // An x read's payload, unescaped.
  // As a client reads it: run lengths expanded, then escapes undone.
  std::string read_x(std::uint64_t addr, std::size_t n) {
    return unescape(expand_runs(ask(x_packet(addr, n))));
  }
  static std::string m_packet(std::uint64_t addr, std::size_t n) {
    return "m" + x_packet(addr, n).substr(1);
  }
  // The target's bytes right now, as a string.
  std::string now(std::uint64_t addr, std::size_t n) {
    const auto bytes = proc().contents(addr, n);
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
  }
  // Changes the target's memory behind the session's back (as another process sharing it would).
  void poke(std::uint64_t addr, std::size_t n, std::byte value) {
    const std::vector<std::byte> bytes(n, value);
    BOOST_REQUIRE(proc().write_memory(addr, bytes).bytes == n);
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(speculation, SpeculationFixture)

BOOST_AUTO_TEST_CASE(sequential_bulk_reads_are_answered_from_the_speculation) {
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t addr = kBlock + i * 0x1000;
    BOOST_TEST(read_x(addr, 0x1000) == "b" + now(addr, 0x1000));
  }
  BOOST_TEST(hits() == 3u);  // every read after the first
  // The read after the last was prepared while the session waited.
  const std::size_t reads = proc().read_calls();
  BOOST_TEST(read_x(kBlock + 0x4000, 0x1000) == "b" + now(kBlock + 0x4000, 0x1000));
  BOOST_TEST(hits() == 4u);
  BOOST_TEST(proc().read_calls() == reads + 1);  // only the speculation for the next one
  // Hex reads too.
  BOOST_TEST(ask(m_packet(kBlock, 0x1000)) == to_hex(now(kBlock, 0x1000)));
  BOOST_TEST(ask(m_packet(kBlock + 0x1000, 0x1000)) == to_hex(now(kBlock + 0x1000, 0x1000)));
  BOOST_TEST(hits() == 5u);
}

BOOST_AUTO_TEST_CASE(streamed_replies_start_with_the_speculated_piece) {
  config.stream_chunk = 0x400;
  restart();
  gdb_handshake();
  for (std::size_t i = 0; i < 4; ++i) {
    const std::uint64_t addr = kBlock + i * 0x1800;
    BOOST_TEST(read_x(addr, 0x1800) == "b" + now(addr, 0x1800));
    BOOST_TEST(ask(m_packet(kBlock + 0x7f00, 0x80)) == to_hex(now(kBlock + 0x7f00, 0x80)));
  }
  BOOST_TEST(hits() == 0u);  // each bulk read was followed by another request
  BOOST_TEST(read_x(kBlock, 0x1800) == "b" + now(kBlock, 0x1800));
  BOOST_TEST(read_x(kBlock + 0x1800, 0x1800) == "b" + now(kBlock + 0x1800, 0x1800));
  BOOST_TEST(ask(m_packet(kBlock + 0x3000, 0x1800)) == to_hex(now(kBlock + 0x3000, 0x1800)));
  BOOST_TEST(hits() == 1u);  // the m after an x is not the read that was expected
  BOOST_TEST(ask(m_packet(kBlock + 0x4800, 0x1800)) == to_hex(now(kBlock + 0x4800, 0x1800)));
  BOOST_TEST(hits() == 2u);
}

BOOST_AUTO_TEST_CASE(a_write_between_two_reads_is_seen_by_the_second) {
  BOOST_TEST(read_x(kBlock, 0x1000) == "b" + now(kBlock, 0x1000));
  BOOST_TEST(ask("M701010,4:deadbeef") == "OK");
  const std::string second = read_x(kBlock + 0x1000, 0x1000);
  BOOST_TEST(second.substr(0x11, 4) == "\xde\xad\xbe\xef");
  BOOST_TEST(second == "b" + now(kBlock + 0x1000, 0x1000));
  BOOST_TEST(hits() == 0u);
}

BOOST_AUTO_TEST_CASE(a_speculation_older_than_its_limit_is_read_again) {
  config.speculation_max_age = std::chrono::milliseconds(1);
  restart();
  gdb_handshake();
  BOOST_TEST(read_x(kBlock, 0x1000) == "b" + now(kBlock, 0x1000));
  poke(kBlock + 0x1000, 0x1000, std::byte{0x5a});  // after the speculation was read
  std::this_thread::sleep_for(2 * config.speculation_max_age);
  BOOST_TEST(read_x(kBlock + 0x1000, 0x1000) ==
             "b" + std::string(0x1000, '\x5a'));
  BOOST_TEST(hits() == 0u);
}

BOOST_AUTO_TEST_CASE(other_requests_get_their_own_bytes) {
  BOOST_TEST(read_x(kBlock, 0x1000) == "b" + now(kBlock, 0x1000));
  // Not the next range, not the same length, not the same encoding: each is read afresh.
  BOOST_TEST(read_x(kBlock + 0x3000, 0x1000) == "b" + now(kBlock + 0x3000, 0x1000));
  BOOST_TEST(read_x(kBlock + 0x4000, 0x800) == "b" + now(kBlock + 0x4000, 0x800));
  BOOST_TEST(ask(m_packet(kBlock + 0x4800, 0x1000)) == to_hex(now(kBlock + 0x4800, 0x1000)));
  BOOST_TEST(hits() == 0u);
  // Any other packet in between drops it too.
  BOOST_TEST(read_x(kBlock, 0x1000) == "b" + now(kBlock, 0x1000));
  BOOST_TEST(!ask("qC").empty());
  BOOST_TEST(read_x(kBlock + 0x1000, 0x1000) == "b" + now(kBlock + 0x1000, 0x1000));
  BOOST_TEST(hits() == 0u);
}

BOOST_AUTO_TEST_CASE(an_interrupt_or_a_target_event_drops_it) {
  BOOST_TEST(read_x(kBlock, 0x1000) == "b" + now(kBlock, 0x1000));
  wire->feed("\x03");
  BOOST_TEST(read_x(kBlock + 0x1000, 0x1000) == "b" + now(kBlock + 0x1000, 0x1000));
  BOOST_TEST(hits() == 0u);
  // The server waits for (quiesces) the session before it handles a process event.
  session->quiesce();
  BOOST_TEST(read_x(kBlock + 0x2000, 0x1000) == "b" + now(kBlock + 0x2000, 0x1000));
  BOOST_TEST(hits() == 0u);
}

BOOST_AUTO_TEST_CASE(nothing_is_read_ahead_of_a_running_process) {
  BOOST_TEST(send_raw("vCont;c").empty());  // runs: no reply until it stops
  BOOST_TEST(read_x(kBlock, 0x1000) == "b" + now(kBlock, 0x1000));
  poke(kBlock + 0x1000, 0x1000, std::byte{0x33});  // the running process writes at once
  BOOST_TEST(read_x(kBlock + 0x1000, 0x1000) ==
             "b" + std::string(0x1000, '\x33'));
  BOOST_TEST(hits() == 0u);
}

BOOST_AUTO_TEST_CASE(a_next_range_that_reads_short_is_answered_on_request) {
  // The last whole page of the block, then a read crossing its end: the readable prefix.
  const std::uint64_t last = kBlock + kBlockSize - 0x1000;
  BOOST_TEST(read_x(last - 0x1000, 0x1000) == "b" + now(last - 0x1000, 0x1000));
  BOOST_TEST(read_x(last, 0x1000) == "b" + now(last, 0x1000));
  BOOST_TEST(hits() == 1u);
  BOOST_TEST(ask(x_packet(last + 0x1000, 0x1000)).substr(0, 1) == "E");
  BOOST_TEST(hits() == 1u);
}

BOOST_AUTO_TEST_CASE(small_reads_and_acked_connections_are_not_followed) {
  BOOST_TEST(read_x(kBlock, 0x800) == "b" + now(kBlock, 0x800));
  const std::size_t reads = proc().read_calls();
  BOOST_TEST(read_x(kBlock + 0x800, 0x800) == "b" + now(kBlock + 0x800, 0x800));
  BOOST_TEST(proc().read_calls() == reads + 1);  // the request's own read, nothing more
  BOOST_TEST(hits() == 0u);

  restart();  // a new connection, with acks
  const std::string first = wire->send(x_packet(kBlock, 0x1000));
  BOOST_TEST(unescape(payload_of(first, true)) == "b" + now(kBlock, 0x1000));
  wire->feed("+");
  const std::string second = wire->send(x_packet(kBlock + 0x1000, 0x1000));
  BOOST_TEST(unescape(payload_of(second, true)) == "b" + now(kBlock + 0x1000, 0x1000));
  BOOST_TEST(hits() == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
