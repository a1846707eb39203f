// fuzz_session: a whole stub::Session over a FakeProcess, fed the raw byte stream of a client.
//
// Input: a 4-byte header, then the bytes the client sends.
//   byte 0: bits 0-2 pick the PacketSize (512 ... 0x40000, as --packet-size allows);
//           bit 3 turns the packet trace on (written to /dev/null, to run its formatting)
//           bit 4: a controlled process (a FakeDebuggee, as after a launch): run control,
//           breakpoints and register writes reach it; a resume is answered by interrupting
//           it at once, its stop recorded and sent as rspstub's server does (no_stop is off)
//   byte 1: bit 0 clears no_stop (writes reach the fake process), bit 1 sets read_only,
//           bits 2-6: the process dies after that many replies (0: never),
//           bit 7: the process has no threads at all
//   byte 2: largest chunk the stream is fed in (0: all of it at once)
//   byte 3: seed of the chunk sizes
// The session is driven the way stub/connection.hpp drives it: feed, send the output, drop the
// consumed bytes, stop at close; once a chunk of input is used up, the session is idle and may
// read ahead (speculate()), so a stale speculative reply would fail the read check below.
// Invariants, after every step:
//   - it consumes at least one byte of a non-empty input and no more than it was given;
//   - every output is empty, `-` (only while acks are on), or [+]$<payload>#<cs> with the `+`
//     only while acks are on, a correct checksum, and a payload with no bare `$` or `#`, every
//     `}` escaping one of `$`, `#`, `*`, `}`, and every bare `*` a run length: after a character,
//     before a count from ' ' to '~' that is none of `#$*+-}` (m and x replies compress runs);
//   - a memory read (m, x) is answered with an error or with 1 to min(length, what one reply
//     carries) bytes that are exactly the fake process's bytes at that address (after their
//     run lengths are expanded);
//   - no output is longer than max(2 * PacketSize + 6, 2048): `+$b` + an x reply's PacketSize
//     bytes escaped to at most twice that + `#cs` (m replies and qXfer chunks carry half as
//     much); every reply whose size does not follow PacketSize (g, qSupported, qHostInfo, stop
//     replies...) fits in 2048. So what a session holds is bounded by its PacketSize, whatever
//     the client sends.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "platform/fake/fake_debuggee.hpp"
#include "platform/fake/fake_process.hpp"
#include "platform/x86_64_registers.hpp"
#include "protocol/framing.hpp"
#include "protocol/hex.hpp"
#include "protocol/requests.hpp"
#include "stub/session.hpp"
#include "stub/target.hpp"

namespace {

using namespace rspstub;

[[noreturn]] void fail(const char* what, std::string_view output, std::size_t at) {
  std::fprintf(stderr, "fuzz_session: %s (stream offset %zu, output %zu bytes: \"", what, at,
               output.size());
  for (std::size_t i = 0; i < output.size() && i < 200; ++i) {
    const auto c = static_cast<unsigned char>(output[i]);
    if (c >= 0x20 && c < 0x7f) std::fputc(c, stderr);
    else std::fprintf(stderr, "\\x%02x", c);
  }
  std::fprintf(stderr, "%s\")\n", output.size() > 200 ? "..." : "");
  std::abort();
}

std::vector<std::byte> pattern(std::uint64_t addr, std::size_t n) {
  // Every byte value appears, # $ } * included.
  std::vector<std::byte> v(n);
  for (std::size_t i = 0; i < n; ++i)
    v[i] = static_cast<std::byte>(((addr + i) * 7 + ((addr + i) >> 8)) & 0xff);
  return v;
}

std::vector<std::byte> auxv() {
  std::vector<std::byte> v;
  auto put = [&](std::uint64_t x) {
    for (int i = 0; i < 8; ++i) v.push_back(static_cast<std::byte>((x >> (8 * i)) & 0xff));
  };
  // AT_PHDR = 0x40002a ('*'), AT_ENTRY = 0x400123 ('#'), AT_RANDOM = 0x7ffffffff07d ('}'), end.
  put(3); put(0x40002a); put(9); put(0x400123); put(25); put(0x7ffffffff07d); put(0); put(0);
  return v;
}

void set_up(platform::fake::FakeProcess& proc, bool with_threads) {
  proc.add_region(0x400000, pattern(0x400000, 0x1000), true, false, true, "/usr/bin/demo");
  proc.add_region(0x600000, pattern(0x600000, 0x2000), true, true, false);
  proc.add_region(0x603000, pattern(0x603000, 0x1000), false, false, false);  // PROT_NONE
  proc.add_region(0x604000, pattern(0x604000, 0x1000), true, false, false);
  // Nothing but bytes that must be escaped: x replies at their largest (twice the data).
  std::vector<std::byte> specials(0x5000);
  for (std::size_t i = 0; i < specials.size(); ++i)
    specials[i] = static_cast<std::byte>("}#$*"[i % 4]);
  proc.add_region(0x700000, std::move(specials), true, true, false, "/dev/shm/}#$*");
  proc.add_region(0x7ffffffff000, pattern(0x7ffffffff000, 0x1000), true, true, false, "[stack]");
  // Right below and at 2^63 (nothing at or above is ever accessible), and at the very top.
  proc.add_region(0x7ffffffffffff000, pattern(0, 0x1000), true, true, false, "[edge]");
  proc.add_region(0x8000000000000000, pattern(0, 0x1000), true, true, true, "[kernel]");
  proc.add_region(0xfffffffffffff000, pattern(0, 0xfff), true, false, false, "[top]");

  proc.set_auxv(auxv());
  proc.set_executable_path("/usr/bin/de#m*o}$");
  platform::ProcessInfo info;
  info.pid = 0x1092;
  info.parent_pid = 1;
  info.real_uid = info.effective_uid = 0xffffffff;
  info.real_gid = info.effective_gid = 100;
  info.name = "demo";
  proc.set_info(info);
  if (!with_threads) return;

  platform::x86_64::Registers main_regs;
  main_regs.set_u64(platform::x86_64::rip, 0x400123);
  main_regs.set_u64(platform::x86_64::rsp, 0x7ffffffff0d0);
  proc.add_thread(0x1092, "demo", main_regs);
  proc.add_thread(0x1093, "ticker", platform::x86_64::Registers{});
  platform::x86_64::Registers odd;
  odd.set_u64(platform::x86_64::rip, 0x2324257d2a2a2a2a);  // "#$%}****" as bytes
  odd.set_u64(platform::x86_64::rax, ~std::uint64_t{0});
  proc.add_thread(0x7fffffff, "<a&\"b\"> #$}*", odd);  // XML specials and RSP specials
}

constexpr std::size_t kPacketSizes[] = {0x40000, 512, 513, 0x1000, 0x4000, 1000, 0x10000, 0x201};

void check_output(std::string_view out, bool acks_on, std::size_t packet_size, std::size_t at) {
  if (out.empty()) return;
  if (out.size() > std::max<std::size_t>(2 * packet_size + 6, 2048))
    fail("output larger than max(2 * PacketSize + 6, 2048)", out, at);
  if (out == "-") {
    if (!acks_on) fail("`-` sent in no-ack mode", out, at);
    return;
  }
  std::string_view s = out;
  if (s.front() == '+') {
    if (!acks_on) fail("`+` sent in no-ack mode", out, at);
    s.remove_prefix(1);
  }
  if (s.size() < 4 || s.front() != '$' || s[s.size() - 3] != '#')
    fail("output is not [+]$...#cs", out, at);
  const std::string_view body = s.substr(1, s.size() - 4);
  unsigned sum = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const auto c = static_cast<unsigned char>(body[i]);
    sum += c;
    if (c == '$' || c == '#') fail("unescaped $ or # in a payload", out, at);
    if (c == '*') {
      if (i == 0 || i + 1 == body.size()) fail("run length without a character or count", out, at);
      const auto count = static_cast<unsigned char>(body[i + 1]);
      if (count < ' ' || count > '~' || std::string_view("#$*+-}").find(static_cast<char>(count)) !=
                                            std::string_view::npos)
        fail("run length with an unsafe count", out, at);
      sum += count;
      ++i;
      continue;
    }
    if (c == '}') {
      if (i + 1 == body.size()) fail("payload ends inside an escape", out, at);
      const auto e = static_cast<unsigned char>(body[i + 1] ^ 0x20);
      if (e != '$' && e != '#' && e != '*' && e != '}') fail("needless escape", out, at);
      sum += static_cast<unsigned char>(body[++i]);
    }
  }
  static constexpr char kDigits[] = "0123456789abcdef";
  if (s[s.size() - 2] != kDigits[(sum >> 4) & 15] || s[s.size() - 1] != kDigits[sum & 15])
    fail("wrong checksum (or not lower-case hex)", out, at);
}

// The payload of a checked reply, still escaped.
std::string_view body_of(std::string_view out) {
  if (out.starts_with('+')) out.remove_prefix(1);
  return out.substr(1, out.size() - 4);
}

// A memory read must be answered with an error, or with 1 to min(length, what one reply carries)
// bytes that are the process's bytes at that address.
void check_read(std::string_view request, std::string_view body, stub::XDialect dialect,
                const platform::fake::FakeProcess& proc, std::size_t packet_size,
                std::string_view out, std::size_t at) {
  if (request.empty() || (request[0] != 'm' && request[0] != 'x')) return;
  protocol::MemoryRange r;
  if (protocol::parse_memory_range(request.substr(1), r) != protocol::ErrorCode::none ||
      r.length == 0)
    return;  // refused or answered without data: the form is checked elsewhere
  std::string data;
  std::size_t limit;
  bool may_be_error = body.starts_with('E');
  if (request[0] == 'm') {
    if (may_be_error) return;  // hex data is lower case: this is an error
    limit = packet_size / 2;
    std::string digits;  // run lengths expanded, as a client does on receipt
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '*' && !digits.empty() && i + 1 < body.size())
        digits.append(static_cast<unsigned char>(body[++i]) - 29u, digits.back());
      else
        digits += body[i];
    }
    data.resize(digits.size() / 2);
    if (digits.size() % 2 != 0 ||
        !protocol::decode_hex(digits, std::as_writable_bytes(std::span(data.data(), data.size()))))
      fail("m reply is neither hex data nor an error", out, at);
  } else {
    limit = packet_size;
    if (dialect == stub::XDialect::gdb_b_prefix) {
      if (may_be_error) return;
      if (!body.starts_with('b')) fail("x reply without its `b` (gdb dialect)", out, at);
      body.remove_prefix(1);
    }
    std::string raw;  // run lengths expanded first, then escapes undone, as gdb and lldb do
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (body[i] == '}' && i + 1 < body.size()) {
        raw += body[i];
        raw += body[++i];
      } else if (body[i] == '*' && !raw.empty() && i + 1 < body.size()) {
        raw.append(static_cast<unsigned char>(body[++i]) - 29u, raw.back());
      } else {
        raw += body[i];
      }
    }
    for (std::size_t i = 0; i < raw.size(); ++i)
      data += raw[i] == '}' ? static_cast<char>(raw[++i] ^ 0x20) : raw[i];
  }
  if (data.empty()) fail("a read answered with neither data nor an error", out, at);
  if (data.size() > std::min<std::uint64_t>(r.length, limit)) {
    if (may_be_error) return;  // lldb's bare x: data that happens to start with E
    fail("read reply longer than asked or than one reply carries", out, at);
  }
  std::vector<std::byte> want;
  try {
    want = proc.contents(r.addr, data.size());
  } catch (const std::out_of_range&) {
    if (may_be_error) return;
    fail("read reply has data where nothing is mapped", out, at);
  }
  if (std::memcmp(want.data(), data.data(), data.size()) != 0 && !may_be_error)
    fail("read reply differs from the process's memory", out, at);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 4) return 0;
  stub::SessionConfig config;
  config.packet_size = kPacketSizes[data[0] & 7];
  const bool trace = data[0] & 8;
  const bool controlled = data[0] & 0x10;
  config.no_stop = !controlled && !(data[1] & 1);
  config.read_only = data[1] & 2;
  // Streamed replies (no-ack mode): pieces of 16 bytes, 4 KiB, or the default.
  constexpr std::size_t kStreamChunks[] = {16, 4096, 64 * 1024, 0};
  config.stream_chunk = kStreamChunks[(data[0] >> 5) & 3];
  const unsigned kill_after = (data[1] >> 2) & 31;
  const bool with_threads = !(data[1] & 0x80);
  const unsigned max_chunk = data[2];
  std::uint32_t rng = data[3] * 2654435761u + 1;

  // A fresh copy of the set-up process per run (writes change its memory); building it from
  // scratch each time would cost more than the session itself.
  static const platform::fake::FakeProcess prototypes[2] = {
      [] { platform::fake::FakeProcess p(0x1092); set_up(p, false); return p; }(),
      [] { platform::fake::FakeProcess p(0x1092); set_up(p, true); return p; }(),
  };
  platform::fake::FakeProcess inspected = prototypes[with_threads];
  platform::fake::FakeDebuggee dbg(0x1092);
  if (controlled) dbg.process() = prototypes[with_threads];
  platform::fake::FakeProcess& proc = controlled ? dbg.process() : inspected;
  std::optional<stub::Target> target;
  if (controlled) {
    platform::StopEvent initial;  // as after a launch
    initial.tid = 0x1092;
    initial.signal = 5;  // SIGTRAP
    target.emplace(dbg, initial);
    target->set_launched(true);
  } else {
    target.emplace(inspected);
  }
  stub::Logger log;
  // Below `error`: nothing reaches stderr, so millions of runs do not flood it. (Every string
  // the session builds for a log line is still built before the level check.)
  log.set_level(static_cast<stub::LogLevel>(-1));
  if (trace && !log.open_packet_log("/dev/null")) std::abort();
  stub::Session session(*target, config, log);
  // A second decoder fed exactly what the session is fed tells which request each reply answers.
  protocol::FrameDecoder shadow(config.packet_size);

  const char* stream = reinterpret_cast<const char*>(data + 4);
  const std::size_t n = size - 4;
  std::size_t pos = 0;
  unsigned replies = 0;
  while (pos < n) {
    std::size_t len = n - pos;
    if (max_chunk != 0) {
      rng ^= rng << 13;
      rng ^= rng >> 17;
      rng ^= rng << 5;
      len = std::min<std::size_t>(len, 1 + rng % max_chunk);
    }
    std::span<const char> in(stream + pos, len);
    pos += len;
    while (!in.empty()) {
      const bool acks_on = !session.state().no_ack;
      const std::size_t at = pos - in.size();
      const stub::Session::Step step = session.feed(in);
      // A reply streamed in pieces is checked whole, as the client sees it.
      std::string streamed;
      std::string_view output = step.output;
      if (step.more) {
        if (acks_on) fail("reply streamed with acks on", step.output, at);
        streamed.assign(step.output);
        for (auto piece = step; piece.more;) {
          piece = session.continue_reply();
          if (piece.consumed != 0) fail("a streamed piece consumed input", piece.output, at);
          streamed.append(piece.output);
        }
        output = streamed;
      }
      if (step.consumed > in.size()) fail("consumed more than it was given", output, at);
      if (step.consumed == 0) fail("no progress on non-empty input", output, at);
      // A resume accepted with acks on is answered by its ack alone; the stop reply follows
      // (target_stopped(), below).
      const bool resume_ack = output == "+" && acks_on && session.awaiting_stop();
      if (!resume_ack) check_output(output, acks_on, config.packet_size, at);
      const protocol::FrameDecoder::Step seen = shadow.feed(in);
      if (seen.consumed != step.consumed) fail("consumed unlike a FrameDecoder", output, at);
      if (seen.event == protocol::FrameEvent::packet && !output.empty() && !resume_ack)
        check_read(shadow.payload(), body_of(output), session.state().x_dialect, proc,
                   config.packet_size, output, at);
      const auto& st = session.state();
      if (st.thread_list_pos > st.thread_list.size())
        fail("thread list position past its end", output, at);
      in = in.subspan(step.consumed);
      if (step.close) return 0;
      if (!output.empty() && ++replies == kill_after) proc.kill();
      // A resume waits for a stop: make one now, as the server would deliver it.
      if (controlled && session.awaiting_stop()) {
        dbg.interrupt();
        while (auto event = dbg.poll_event()) {
          target->record_event(*event);
          const bool acks = !session.state().no_ack;
          const stub::Session::Step stop = session.target_stopped();
          check_output(stop.output, acks, config.packet_size, at);
          if (stop.close) return 0;
        }
      }
    }
    session.speculate();  // no input left: idle, as a connection waiting for the next request
  }
  return 0;
}
