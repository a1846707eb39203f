// fuzz_framing: protocol::FrameDecoder on arbitrary bytes, split into arbitrary chunks.
//
// Input: byte 0 picks max_payload, byte 1 seeds the chunk sizes, the rest is the byte stream
// from a client. The decoder is fed the stream in those chunks and must
//   - consume no more than it is given, and at least one byte of a non-empty chunk (no stall);
//   - consume the whole chunk when it reports `none`;
//   - never hand out a payload longer than max_payload;
//   - report exactly the events, at exactly the stream offsets and with exactly the payloads, of
//     a byte-at-a-time reference decoder written from the contract in framing.hpp — so how the
//     bytes were split can never change what is decoded.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "protocol/framing.hpp"

namespace {

using rspstub::protocol::FrameDecoder;
using rspstub::protocol::FrameEvent;

[[noreturn]] void fail(const char* what, std::size_t at) {
  std::fprintf(stderr, "fuzz_framing: invariant broken at stream offset %zu: %s\n", at, what);
  std::abort();
}

struct Event {
  FrameEvent kind;
  std::size_t end;  // stream offset just past the event's last byte
  std::string payload;
  bool operator==(const Event&) const = default;
};

int hex_digit(unsigned char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The contract of framing.hpp, one byte at a time.
std::vector<Event> reference(const unsigned char* p, std::size_t n, std::size_t max_payload) {
  std::vector<Event> out;
  enum { idle, body, escape, hi, lo } st = idle;
  std::string payload;
  unsigned sum = 0;
  int high = 0;
  bool dangling = false;
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char c = p[i];
    switch (st) {
      case idle:
        if (c == '$') {
          st = body;
          payload.clear();
          sum = 0;
        } else if (c == '+') {
          out.push_back({FrameEvent::ack, i + 1, {}});
        } else if (c == '-') {
          out.push_back({FrameEvent::nack, i + 1, {}});
        } else if (c == 0x03) {
          out.push_back({FrameEvent::interrupt, i + 1, {}});
        }
        break;
      case body:
      case escape:
        if (c == '#') {  // a raw # frames, even right after `}` (then: malformed)
          dangling = st == escape;
          st = hi;
          break;
        }
        if (c == '$') {  // a raw $ restarts, even right after `}`
          payload.clear();
          sum = 0;
          st = body;
          break;
        }
        sum += c;
        if (st == body && c == '}') {
          st = escape;
          break;
        }
        if (payload.size() == max_payload) {
          out.push_back({FrameEvent::overflow, i + 1, {}});
          st = idle;
          break;
        }
        payload += static_cast<char>(st == escape ? c ^ 0x20 : c);
        st = body;
        break;
      case hi:
        high = hex_digit(c);
        st = lo;
        break;
      case lo: {
        const int low = hex_digit(c);
        const bool good = high >= 0 && low >= 0 && unsigned(high * 16 + low) == (sum & 0xff);
        const FrameEvent ev = !good ? FrameEvent::bad_checksum
                              : dangling ? FrameEvent::malformed
                                         : FrameEvent::packet;
        dangling = false;
        // Only a packet or a bad checksum hands out a payload; a malformed frame (`}#`) is
        // answered with E01 and its bytes are meaningless, so none is compared.
        out.push_back({ev, i + 1, ev == FrameEvent::malformed ? std::string() : payload});
        st = idle;
        break;
      }
    }
  }
  return out;
}

// Small, deterministic chunk sizes from a seed byte (1..64, or the whole rest for seed 0).
struct Chunker {
  std::uint32_t state;
  explicit Chunker(unsigned char seed) : state(seed * 2654435761u + 1) {}
  std::size_t next(std::size_t left, unsigned char seed) {
    if (seed == 0) return left;
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    const std::size_t n = 1 + state % (seed & 0x3f ? (seed & 0x3f) + 1 : 64);
    return n < left ? n : left;
  }
};

std::size_t pick_max_payload(unsigned char b) {
  // Mostly tiny limits, so overflow is easy to reach; now and then the default 0x40000.
  if (b == 0xff) return 0x40000;
  return b & 0x7f;  // 0..127, including 0 (every payload byte overflows)
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t max_payload = pick_max_payload(data[0]);
  const unsigned char chunk_seed = data[1];
  const unsigned char* stream = data + 2;
  const std::size_t n = size - 2;

  const std::vector<Event> want = reference(stream, n, max_payload);

  FrameDecoder dec(max_payload);
  if (dec.max_payload() != max_payload) fail("max_payload() differs from the constructor's", 0);
  if (dec.in_packet()) fail("a new decoder is inside a packet", 0);
  std::vector<Event> got;
  Chunker chunker(chunk_seed);
  std::size_t pos = 0;
  while (pos < n) {
    const std::size_t len = chunker.next(n - pos, chunk_seed);
    std::size_t off = 0;
    // Feed the chunk until it is used up, as Session/Connection do.
    while (off < len) {
      const std::span<const char> in(reinterpret_cast<const char*>(stream + pos + off), len - off);
      const FrameDecoder::Step step = dec.feed(in);
      if (step.consumed > in.size()) fail("consumed more than it was given", pos + off);
      if (step.consumed == 0) fail("no progress on a non-empty chunk", pos + off);
      if (step.event == FrameEvent::none && step.consumed != in.size())
        fail("event none before the chunk was used up", pos + off);
      off += step.consumed;
      if (step.event == FrameEvent::none) continue;
      if (dec.in_packet()) fail("still inside a packet right after an event", pos + off);
      std::string payload;
      if (step.event == FrameEvent::packet || step.event == FrameEvent::bad_checksum) {
        if (dec.payload().size() > max_payload) fail("payload longer than max_payload", pos + off);
        payload = std::string(dec.payload());
      }
      got.push_back({step.event, pos + off, std::move(payload)});
    }
    pos += len;
  }
  // An empty feed is allowed and must be harmless.
  const FrameDecoder::Step empty = dec.feed({});
  if (empty.consumed != 0 || empty.event != FrameEvent::none) fail("an empty feed did something", n);

  if (got.size() != want.size()) fail("event count differs from the reference decoder", n);
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].kind != want[i].kind) fail("event kind differs from the reference", got[i].end);
    if (got[i].end != want[i].end) fail("event offset differs from the reference", got[i].end);
    if (got[i].payload != want[i].payload) fail("payload differs from the reference", got[i].end);
  }
  return 0;
}
