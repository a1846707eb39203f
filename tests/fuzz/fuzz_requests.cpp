// fuzz_requests: every parser of protocol/requests.hpp (and the hex codecs under them) on the
// input, taken as a packet's arguments. Each result is checked against the contract in the
// header, with the numbers re-parsed here independently:
//   - a parsed MemoryRange never wraps; addr and length are exactly the hex fields sent;
//   - a MemoryWrite's data is the tail of the arguments and exactly as long as the length says;
//   - thread ids are -1, 0 or positive; a breakpoint type is 0..4;
//   - every string_view handed back points into the arguments;
//   - hex decode/encode round-trip.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/hex.hpp"
#include "protocol/requests.hpp"

namespace {

namespace p = rspstub::protocol;
using p::ErrorCode;

[[noreturn]] void fail(const char* parser, const char* what) {
  std::fprintf(stderr, "fuzz_requests: %s: %s\n", parser, what);
  std::abort();
}

void check(bool ok, const char* parser, const char* what) {
  if (!ok) fail(parser, what);
}

// 1..16 hex digits, nothing else.
std::optional<std::uint64_t> ref_hex(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return std::nullopt;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return v;
}

bool inside(std::string_view part, std::string_view whole) {
  if (part.empty()) return true;  // an empty view may point anywhere
  const auto* b = whole.data();
  return part.data() >= b && part.data() + part.size() <= b + whole.size();
}

// The "addr,len" contract, from scratch.
ErrorCode ref_range(std::string_view s, p::MemoryRange& out) {
  const auto comma = s.find(',');
  if (comma == std::string_view::npos) return ErrorCode::malformed;
  const auto a = ref_hex(s.substr(0, comma));
  const auto l = ref_hex(s.substr(comma + 1));
  if (!a || !l) return ErrorCode::malformed;
  out = {*a, *l};
  if (*l != 0 && *l - 1 > ~std::uint64_t{0} - *a) return ErrorCode::range_overflow;
  return ErrorCode::none;
}

void check_range(std::string_view args) {
  p::MemoryRange r, want;
  const ErrorCode e = p::parse_memory_range(args, r);
  const ErrorCode we = ref_range(args, want);
  check(e == we, "parse_memory_range", "result differs from the reference");
  if (e != ErrorCode::none) return;
  check(r.addr == want.addr && r.length == want.length, "parse_memory_range", "wrong numbers");
  // Never wraps: the last byte addressed is at or above the first.
  check(r.length == 0 || r.addr + (r.length - 1) >= r.addr, "parse_memory_range", "range wraps");
}

void check_write(std::string_view args, bool binary) {
  const char* name = binary ? "parse_memory_write(X)" : "parse_memory_write(M)";
  p::MemoryWrite w;
  const ErrorCode e = p::parse_memory_write(args, binary, w);
  if (e != ErrorCode::none) return;
  const auto colon = args.find(':');
  check(colon != std::string_view::npos, name, "accepted without ':'");
  p::MemoryRange want;
  check(ref_range(args.substr(0, colon), want) == ErrorCode::none, name, "accepted a bad range");
  check(w.range.addr == want.addr && w.range.length == want.length, name, "wrong range");
  check(w.range.length == 0 || w.range.addr + (w.range.length - 1) >= w.range.addr, name,
        "range wraps");
  check(w.data.data() == args.data() + colon + 1 && w.data.size() == args.size() - colon - 1,
        name, "data is not what follows the ':'");
  if (binary) {
    check(w.data.size() == w.range.length, name, "data length != length field");
  } else {
    check(w.range.length <= w.data.size() && w.data.size() == 2 * w.range.length, name,
          "hex data length != 2 * length field");
  }
}

void check_thread(const p::ThreadId& t, const char* name) {
  check(t.tid == p::ThreadId::kAll || t.tid >= 0, name, "tid is negative but not -1");
  check(t.pid == p::ThreadId::kAll || t.pid >= 0, name, "pid is negative but not -1");
}

void check_thread_id(std::string_view args) {
  p::ThreadId t;
  if (p::parse_thread_id(args, t) != ErrorCode::none) return;
  check_thread(t, "parse_thread_id");
  // Without the multiprocess form the pid stays "any".
  if (args.empty() || args.front() != 'p')
    check(t.pid == p::ThreadId::kAny, "parse_thread_id", "pid set without 'p'");
}

void check_set_thread(std::string_view args) {
  p::SetThread s;
  if (p::parse_set_thread(args, s) != ErrorCode::none) return;
  check(!args.empty() && s.op == args.front(), "parse_set_thread", "op is not the first byte");
  check_thread(s.thread, "parse_set_thread");
}

void check_suffix(std::string_view args) {
  std::string_view rest = args;
  bool has = true;
  p::ThreadId t;
  const ErrorCode e = p::split_thread_suffix(rest, has, t);
  const bool present = args.find(";thread:") != std::string_view::npos;
  check(has == present, "split_thread_suffix", "has_thread disagrees with the text");
  check(rest.data() == args.data() && rest.size() <= args.size(), "split_thread_suffix",
        "what is left is not a prefix of the arguments");
  if (!present) check(rest.size() == args.size(), "split_thread_suffix", "cut without a suffix");
  if (e == ErrorCode::none && present) check_thread(t, "split_thread_suffix");
}

void check_register_read(std::string_view args) {
  p::RegisterRead r;
  if (p::parse_register_read(args, r) != ErrorCode::none) return;
  if (r.has_thread) check_thread(r.thread, "parse_register_read");
  std::string_view num = args.substr(0, args.find(";thread:"));
  const auto want = ref_hex(num);
  check(want && *want == r.regnum, "parse_register_read", "regnum differs from the hex field");
}

void check_xfer(std::string_view args) {
  p::XferRead x;
  if (p::parse_xfer_read(args, x) != ErrorCode::none) return;
  check(inside(x.object, args) && inside(x.annex, args), "parse_xfer_read",
        "object/annex point outside the arguments");
  check(x.object.find(':') == std::string_view::npos, "parse_xfer_read", "object contains ':'");
  check(args.substr(x.object.size()).starts_with(":read:"), "parse_xfer_read",
        "accepted an operation other than read");
  const std::string_view range = args.substr(args.rfind(':') + 1);
  const auto comma = range.find(',');
  check(comma != std::string_view::npos, "parse_xfer_read", "no ',' in offset,length");
  const auto off = ref_hex(range.substr(0, comma));
  const auto len = ref_hex(range.substr(comma + 1));
  check(off && len && *off == x.offset && *len == x.length, "parse_xfer_read",
        "offset/length differ from the hex fields");
}

void check_breakpoint(std::string_view args) {
  p::Breakpoint b;
  if (p::parse_breakpoint(args, b) != ErrorCode::none) return;
  check(b.type >= 0 && b.type <= 4, "parse_breakpoint", "type out of 0..4");
}

void check_hex_field(std::string_view args) {
  std::uint64_t v = 0;
  const bool ok = p::parse_hex_field(args, v) == ErrorCode::none;
  const auto want = ref_hex(args);
  check(ok == want.has_value(), "parse_hex_field", "accepts/refuses unlike the reference");
  if (ok) check(v == *want, "parse_hex_field", "wrong value");
  const auto u = p::parse_hex_u64(args);
  check(u.has_value() == ok && (!ok || *u == v), "parse_hex_u64", "differs from parse_hex_field");
}

void check_features(std::string_view args) {
  const p::ClientFeatures f = p::parse_client_features(args);
  bool multiprocess = false, error_message = false;
  std::size_t start = 0;
  while (start <= args.size()) {
    std::size_t end = args.find(';', start);
    if (end == std::string_view::npos) end = args.size();
    const std::string_view item = args.substr(start, end - start);
    multiprocess |= item == "multiprocess+";
    error_message |= item == "error-message+";
    start = end + 1;
  }
  check(f.multiprocess == multiprocess, "parse_client_features", "multiprocess+ misread");
  check(f.error_message == error_message, "parse_client_features", "error-message+ misread");
}

void check_hex_codec(std::string_view args) {
  std::vector<std::byte> bytes(args.size() / 2);
  const bool ok = p::decode_hex(args, bytes);
  bool want = args.size() % 2 == 0;
  for (char c : args) want = want && p::hex_value(c) >= 0;
  check(ok == want, "decode_hex", "accepts/refuses unlike the reference");
  if (!ok) return;
  std::string back(args.size(), '\0');
  p::encode_hex(bytes, back.data());
  for (std::size_t i = 0; i < args.size(); ++i) {
    const char lower = (args[i] >= 'A' && args[i] <= 'F') ? char(args[i] - 'A' + 'a') : args[i];
    check(back[i] == lower, "encode_hex", "round trip differs");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // Parsers get views into packet payloads: give them a buffer of exactly the input's size so
  // ASan sees any read past the end.
  std::vector<char> buf(data, data + size);
  const std::string_view args(buf.data(), buf.size());

  check_range(args);
  check_write(args, false);
  check_write(args, true);
  check_thread_id(args);
  check_set_thread(args);
  check_suffix(args);
  check_register_read(args);
  check_xfer(args);
  check_breakpoint(args);
  check_hex_field(args);
  check_features(args);
  check_hex_codec(args);
  return 0;
}
