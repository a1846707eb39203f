// fuzz_reply: protocol::ReplyBuffer driven by a program read from the input, checked against a
// plain reference encoder (a std::string built byte by byte, checksum summed at the end).
//
// Each op is one input byte (op % 16) followed by its operands:
//   0 begin(ack)          1 put(char)          2 put(string)        3 put_binary(bytes)
//   4 put_hex(bytes)      5 put_hex_text(text) 6 put_hex_number(u64) 7 put_error(code, style)
//   8 stage(n, source, prefix) + fill + encode_staged(used, hex|binary) — the zero-copy hot path
//     (run-length encoded there: see Reference::runs)
// Every op ≥ 9 (and the end of the input) finishes the packet and checks:
//   wire() == [+]$<reference payload>#<checksum of it>, packet() and payload() agree, and the
//   staged span never overlaps bytes already written and stays inside the buffer.
// Several packets per input exercise reuse of the buffer.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "protocol/bulk_encode.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"

namespace {

namespace p = rspstub::protocol;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_reply: %s\n", what);
  std::abort();
}

void check(bool ok, const char* what) {
  if (!ok) fail(what);
}

struct Input {
  const std::uint8_t* p;
  std::size_t n;
  bool empty() const { return n == 0; }
  std::uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  std::span<const std::byte> bytes(std::size_t want) {
    const std::size_t k = want < n ? want : n;
    std::span<const std::byte> s(reinterpret_cast<const std::byte*>(p), k);
    p += k;
    n -= k;
    return s;
  }
};

constexpr char kDigits[] = "0123456789abcdef";

// The reference encoder.
struct Reference {
  bool ack = false;
  std::string payload;

  void raw(char c) { payload += c; }
  void put(char c) {
    const auto u = static_cast<unsigned char>(c);
    if (u == '#' || u == '$' || u == '}' || u == '*') {
      payload += '}';
      payload += static_cast<char>(u ^ 0x20);
    } else {
      payload += c;
    }
  }
  void put(std::span<const std::byte> b) {
    for (std::byte x : b) put(static_cast<char>(x));
  }
  void hex(std::span<const std::byte> b) {
    for (std::byte x : b) {
      payload += kDigits[static_cast<unsigned>(x) >> 4];
      payload += kDigits[static_cast<unsigned>(x) & 15];
    }
  }
  // A memory read's hex or binary: run-length encoded as protocol/bulk_encode.hpp specifies,
  // here by its portable code out of place (the run lengths themselves are checked against their
  // expansion in tests/protocol and fuzz_session); the hot path must give the same bytes in place.
  void runs(std::span<const std::byte> b, bool hex) {
    const auto encode = hex ? p::bulk::encode_hex_runs : p::bulk::escape_binary_runs;
    std::string out(2 * b.size(), '\0');
    unsigned sum = 0;
    const std::size_t n = encode(reinterpret_cast<const unsigned char*>(b.data()), b.size(),
                                 out.data(), sum, p::bulk::Path::portable);
    payload.append(out.data(), n);
  }
  void number(std::uint64_t v) {
    std::string digits;
    do {
      digits.insert(digits.begin(), kDigits[v & 15]);
      v >>= 4;
    } while (v != 0);
    payload += digits;
  }
  std::string wire() const {
    unsigned sum = 0;
    for (unsigned char c : payload) sum += c;
    std::string w = ack ? "+$" : "$";
    w += payload;
    w += '#';
    w += kDigits[(sum >> 4) & 15];
    w += kDigits[sum & 15];
    return w;
  }
};

std::span<const std::byte> as_bytes(std::string_view s) {
  return std::as_bytes(std::span<const char>(s.data(), s.size()));
}

void check_finished(const p::ReplyBuffer& buf, const Reference& ref) {
  const std::string want = ref.wire();
  check(buf.wire() == want, "wire() differs from the reference encoder");
  check(buf.packet() == std::string_view(want).substr(ref.ack ? 1 : 0),
        "packet() is not wire() without its ack");
  check(buf.payload() == ref.payload, "payload() differs after finish()");
  check(!buf.empty(), "a finished packet is empty");
  check(buf.capacity() >= buf.wire().size(), "capacity() below the size in use");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Input in{data, size};
  p::ReplyBuffer buf;
  Reference ref;
  const auto errors = p::error_table();

  auto begin = [&](bool ack) {
    buf.begin(ack);
    ref = Reference{};
    ref.ack = ack;
  };
  begin(false);

  while (!in.empty()) {
    const std::uint8_t op = in.byte();
    switch (op % 16) {
      case 0:
        begin(in.byte() & 1);
        break;
      case 1: {
        const char c = static_cast<char>(in.byte());
        buf.put(c);
        ref.put(c);
        break;
      }
      case 2: {
        const auto b = in.bytes(in.byte() % 48);
        buf.put(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
        ref.put(b);
        break;
      }
      case 3: {
        const auto b = in.bytes(in.byte() % 48);
        buf.put_binary(b);
        ref.put(b);
        break;
      }
      case 4: {
        const auto b = in.bytes(in.byte() % 48);
        buf.put_hex(b);
        ref.hex(b);
        break;
      }
      case 5: {
        const auto b = in.bytes(in.byte() % 48);
        buf.put_hex_text(std::string_view(reinterpret_cast<const char*>(b.data()), b.size()));
        ref.hex(b);
        break;
      }
      case 6: {
        std::uint64_t v = 0;
        const auto b = in.bytes(in.byte() % 9);
        for (std::byte x : b) v = (v << 8) | static_cast<std::uint64_t>(x);
        buf.put_hex_number(v);
        ref.number(v);
        break;
      }
      case 7: {
        const p::ErrorInfo& e = errors[in.byte() % errors.size()];
        const auto style = static_cast<p::ErrorStyle>(in.byte() % 3);
        buf.put_error(e.code, style);
        if (style == p::ErrorStyle::dot_text) {
          ref.put('E');  // via put(): escaped like any text
          ref.put('.');
          for (char c : e.message) ref.put(c);
        } else {
          ref.raw('E');
          ref.raw(kDigits[static_cast<unsigned>(e.code) >> 4]);
          ref.raw(kDigits[static_cast<unsigned>(e.code) & 15]);
          if (style == p::ErrorStyle::code_and_hex) {
            ref.raw(';');
            ref.hex(as_bytes(e.message));
          }
        }
        break;
      }
      case 8: {
        // n up to 4095 so buffers grow a few times; the fill is the input cycled.
        const std::size_t n = (std::size_t{in.byte()} << 4 | in.byte() >> 4) & 0xfff;
        static constexpr std::string_view kPrefixes[] = {"", "b", "l", "m"};
        const std::uint8_t mode = in.byte();
        const std::string_view prefix = kPrefixes[mode & 3];
        const auto enc = (mode & 4) ? p::StagedEncoding::binary : p::StagedEncoding::hex;
        // used: everything, nothing, or a number up to n + 15 (more than n is clamped to n).
        std::size_t used = n;
        if (mode & 8) used = 0;
        else if (mode & 16) used = ((std::size_t{in.byte()} << 8 | in.byte()) % (n + 16));
        const auto fill = in.bytes(in.byte());

        const std::string_view before = buf.wire();
        const std::uint64_t source = std::uint64_t{in.byte()} << 4 | in.byte();
        const std::span<std::byte> room = buf.stage(n, source, prefix);
        check(room.size() == n, "stage(n) handed out a span of another size");
        check(n == 0 || ((reinterpret_cast<std::uintptr_t>(room.data()) - source) & 4095) == 2048,
              "staged span not half a page from its source modulo 4 KiB");
        // The span must lie past what is written and inside the (possibly moved) buffer.
        const char* base = buf.wire().data();
        const auto* first = reinterpret_cast<const char*>(room.data());
        check(n == 0 || first >= base + before.size(), "staged span overlaps the packet so far");
        check(n == 0 || first + n <= base + buf.capacity(), "staged span runs past the buffer");
        for (std::size_t i = 0; i < n; ++i)
          room[i] = fill.empty() ? static_cast<std::byte>(i * 31) : fill[i % fill.size()];
        const std::size_t take = used < n ? used : n;
        std::string raw(reinterpret_cast<const char*>(room.data()), take);
        buf.encode_staged(used, enc);
        if (take != 0) {
          for (char c : prefix) ref.raw(c);
          ref.runs(as_bytes(raw), enc == p::StagedEncoding::hex);
        }
        check(buf.payload() == ref.payload, "payload() differs after encode_staged()");
        break;
      }
      default:
        buf.finish();
        check_finished(buf, ref);
        buf.finish();  // a second finish() changes nothing
        check_finished(buf, ref);
        begin(op & 1);
        break;
    }
  }
  check(buf.payload() == ref.payload, "payload() differs before finish()");
  buf.finish();
  check_finished(buf, ref);
  return 0;
}
