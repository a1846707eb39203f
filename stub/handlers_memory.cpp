// Memory packets: the product's hot path. Reads go straight from the target into the reply
// buffer and are encoded in place (ReplyBuffer::stage), with no allocation and no copy.
#include <algorithm>
#include <vector>

#include "protocol/hex.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;
using protocol::StagedEncoding;

// Reads up to n bytes at addr straight into the reply and encodes them there (no copy).
platform::ReadResult read_in_place(Context& ctx, std::uint64_t addr, std::size_t n,
                                   StagedEncoding enc, std::string_view prefix = {}) {
  std::span<std::byte> staged = ctx.reply.stage(n, addr, prefix);
  const platform::ReadResult got = ctx.process.read_memory(addr, staged);
  ctx.reply.encode_staged(got.bytes, enc);
  return got;
}

// Reads [addr, addr+n) into the reply and encodes it; an error reply if nothing was readable.
// `prefix` goes before the data only when something was read.
// A read longer than config.stream_chunk is streamed when the connection has no acks (a
// streamed packet cannot be sent again) and packets are not being logged (the log shows whole
// packets): only the first piece is read here, and state.streamed_read keeps the rest for
// continue_streamed_read(), called as each piece has been sent. With config.read_ahead, the
// second piece is read by ctx.read_ahead at the same time as the first. Only a full first
// piece continues: a short read ends the reply there (the readable prefix, as always).
// The start of the reply (up to SpeculativeRead::kPieces pieces, often all of it) may have
// been read and encoded already, between requests, by ctx.speculation
// (stub/speculative_read.hpp); it then takes the first piece's place. A whole read of at least
// kMinLength bytes lets the speculation expect the next one (same length, right after).
void read_into_reply(Context& ctx, std::uint64_t addr, std::size_t n, StagedEncoding enc,
                     std::string_view prefix = {}) {
  const std::size_t chunk = ctx.config.stream_chunk;
  const bool stream =
      chunk != 0 && n > chunk && ctx.state.no_ack && !ctx.log.packets_enabled();
  // A prepared reply (a packet opened without ack: there is none with acks) holds the first
  // `taken` bytes; the rest, if any, is streamed after them.
  const std::size_t taken =
      ctx.state.no_ack ? ctx.speculation.take(addr, n, enc, prefix, ctx.reply) : 0;
  const std::size_t first = taken != 0 ? taken : stream ? chunk : n;
  if (first < n && ctx.config.read_ahead)
    ctx.read_ahead.start(ctx.process, addr + first, n - first);
  std::size_t got = first;
  platform::Error error = platform::Error::none;
  if (taken == 0) {
    const platform::ReadResult read = read_in_place(ctx, addr, first, enc, prefix);
    got = read.bytes;
    error = read.error;
  }
  if (got == first && n >= SpeculativeRead::kMinLength && ctx.config.speculative_reads)
    ctx.speculation.expect(addr + n, n, enc, prefix);  // dropped again if a later piece is short
  if (first < n && got == first) {
    ctx.state.streamed_read = {addr + first, n - first, enc};
    return;
  }
  ctx.read_ahead.drop();  // the first piece was short: the reply ends with it
  if (got == 0) return ctx.error(error);
}

// Why a write is refused in this mode, or none.
ErrorCode write_refusal(Context& ctx) {
  if (ctx.config.read_only) return ErrorCode::read_only;
  if (ctx.config.no_stop) return ErrorCode::not_in_this_mode;
  return ErrorCode::none;
}

void write_bytes(Context& ctx, std::uint64_t addr, std::span<const std::byte> data) {
  if (data.empty()) return ctx.ok();
  const platform::WriteResult put = ctx.process.write_memory(addr, data);
  if (put.bytes == data.size()) return ctx.ok();
  // A write that stopped part way is still a failure: the client asked for all of it.
  ctx.error(put.bytes == 0 ? put.error : platform::Error::no_memory);
}

}  // namespace

// The next piece of a streamed m/x reply (see read_into_reply), appended to the reply buffer
// the caller has emptied with continue_packet(). True when more pieces follow. With
// config.read_ahead the piece was read ahead while the last one was being sent, and the read of
// the one after it starts before this one is encoded; without, it is read here, in place. A
// piece that reads short (the process unmapped memory, or exited, meanwhile) ends the reply
// after what it read: the client gets a valid, shorter reply and asks again for the rest.
bool continue_streamed_read(Context& ctx) {
  StreamedRead& rest = ctx.state.streamed_read;
  const std::size_t want = std::min(rest.remaining, ctx.config.stream_chunk);
  std::size_t got = 0;
  if (ctx.config.read_ahead) {
    if (!ctx.read_ahead.pending()) ctx.read_ahead.start(ctx.process, rest.addr, want);
    const ReadAhead::Piece piece = ctx.read_ahead.wait();
    got = piece.bytes.size();
    // The next read starts before this piece is encoded (it fills the other buffer).
    if (got == want && rest.remaining > want)
      ctx.read_ahead.start(ctx.process, rest.addr + want, rest.remaining - want);
    ctx.reply.put_encoded(piece.bytes, rest.encoding);
  } else {
    got = read_in_place(ctx, rest.addr, want, rest.encoding).bytes;
  }
  rest.addr += want;
  rest.remaining = got < want ? 0 : rest.remaining - want;
  if (got < want) ctx.speculation.drop();  // the read was not whole: nothing follows it
  return rest.remaining != 0;
}

// Packet:  m addr,length
// Reply:   hex bytes, possibly fewer than asked (the readable prefix; clients ask again for the
//          rest); E NN when nothing at addr is readable or the packet is bad.
// Clients: gdb (all versions), lldb (when x is not available).
// length 0 is refused (E0b): an empty reply would mean "unsupported". Lengths beyond what one
// reply carries (PacketSize/2 bytes of data) are served short.
void read_memory_hex(Context& ctx, std::string_view args) {
  protocol::MemoryRange r;
  if (auto e = protocol::parse_memory_range(args, r); e != ErrorCode::none) return ctx.error(e);
  if (r.length == 0) return ctx.error(ErrorCode::invalid_argument);
  const std::size_t n = std::min<std::uint64_t>(r.length, ctx.config.packet_size / 2);
  read_into_reply(ctx, r.addr, n, StagedEncoding::hex);
}

// Packet:  x addr,length
// Reply:   GDB dialect (gdb >= 16.2 and lldb >= 20, told by our binary-upload+): `b` + escaped
//          binary, possibly short. LLDB <= 19 dialect: the probe `x0,0` gets OK, later replies
//          are escaped binary with no prefix. E NN when nothing is readable.
// The dialect is fixed by a connection's first x: the bare one only for a client that
// identified itself as lldb and opened with the x0,0 probe (see ConnectionState::x_dialect).
void read_memory_binary(Context& ctx, std::string_view args) {
  protocol::MemoryRange r;
  if (auto e = protocol::parse_memory_range(args, r); e != ErrorCode::none) return ctx.error(e);
  XDialect& dialect = ctx.state.x_dialect;
  if (dialect == XDialect::undecided)
    dialect = (r.length == 0 && ctx.state.client_is_lldb) ? XDialect::lldb_bare
                                                          : XDialect::gdb_b_prefix;
  if (r.length == 0) {
    if (dialect == XDialect::lldb_bare) return ctx.ok();  // "x is supported"
    return ctx.reply.put('b');                            // nothing asked, nothing read
  }
  const std::size_t n = std::min<std::uint64_t>(r.length, ctx.config.packet_size);
  read_into_reply(ctx, r.addr, n, StagedEncoding::binary,
                  dialect == XDialect::gdb_b_prefix ? "b" : "");
}

// Packet:  M addr,length:hex-bytes
// Reply:   OK; E07 in --no-stop mode, E0c with --read-only; E NN on failure. Writing over a
//          software breakpoint changes the byte the breakpoint hides (the int3 stays).
// Clients: gdb (set var, breakpoints when Z0 is refused), lldb (when Z0 is refused).
void write_memory_hex(Context& ctx, std::string_view args) {
  if (auto e = write_refusal(ctx); e != ErrorCode::none) return ctx.error(e);
  protocol::MemoryWrite w;
  if (auto e = protocol::parse_memory_write(args, false, w); e != ErrorCode::none)
    return ctx.error(e);
  std::vector<std::byte> data(w.range.length);
  if (!protocol::decode_hex(w.data, data)) return ctx.error(ErrorCode::malformed);
  write_bytes(ctx, w.range.addr, data);
}

// Packet:  X addr,length:binary-bytes (escaped on the wire, unescaped by the decoder)
// Reply:   as for M. gdb probes support with a zero-length X.
void write_memory_binary(Context& ctx, std::string_view args) {
  if (auto e = write_refusal(ctx); e != ErrorCode::none) return ctx.error(e);
  protocol::MemoryWrite w;
  if (auto e = protocol::parse_memory_write(args, true, w); e != ErrorCode::none)
    return ctx.error(e);
  write_bytes(ctx, w.range.addr, std::as_bytes(std::span(w.data.data(), w.data.size())));
}

}  // namespace rspstub::stub::handlers
