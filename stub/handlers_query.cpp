// Queries about the host, the process and its threads.
#include <algorithm>
#include <limits>

#include "platform/host.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;

// lldb key:value; pairs, with string values hex-encoded where lldb expects that.
void put_key_hex_text(Context& ctx, std::string_view key, std::string_view value) {
  ctx.reply.put(key);
  ctx.reply.put(':');
  ctx.reply.put_hex_text(value);
  ctx.reply.put(';');
}

void put_key_number(Context& ctx, std::string_view key, std::uint64_t value) {
  ctx.reply.put(key);
  ctx.reply.put(':');
  ctx.reply.put_hex_number(value);
  ctx.reply.put(';');
}

// Thread ids per reply of qfThreadInfo/qsThreadInfo, so a process with thousands of threads
// never makes one reply larger than a client's buffer.
constexpr std::size_t kThreadsPerReply = 256;

void put_thread_page(Context& ctx) {
  auto& list = ctx.state.thread_list;
  auto& pos = ctx.state.thread_list_pos;
  if (pos >= list.size()) return ctx.reply.put('l');
  ctx.reply.put('m');
  const std::size_t end = std::min(list.size(), pos + kThreadsPerReply);
  for (std::size_t i = pos; i < end; ++i) {
    if (i != pos) ctx.reply.put(',');
    ctx.put_thread_id(list[i]);
  }
  pos = end;
}

}  // namespace

// Packet:  qHostInfo
// Reply:   triple:<hex>;ptrsize:8;endian:little;ostype:linux;os_version:..;hostname:<hex>;...
// Clients: lldb (without it lldb guesses the platform wrong).
void host_info(Context& ctx, std::string_view) {
  ctx.state.client_is_lldb = true;
  const platform::HostInfo host = platform::host_info();
  put_key_hex_text(ctx, "triple", host.triple);
  put_key_number(ctx, "ptrsize", static_cast<std::uint64_t>(host.pointer_size));
  ctx.reply.put("endian:little;ostype:");
  ctx.reply.put(host.os_type);
  ctx.reply.put(';');
  if (!host.os_version.empty()) {
    ctx.reply.put("os_version:");
    ctx.reply.put(host.os_version);
    ctx.reply.put(';');
  }
  if (!host.os_build.empty()) put_key_hex_text(ctx, "os_build", host.os_build);
  if (!host.os_kernel.empty()) put_key_hex_text(ctx, "os_kernel", host.os_kernel);
  if (!host.hostname.empty()) put_key_hex_text(ctx, "hostname", host.hostname);
}

// Packet:  qProcessInfo
// Reply:   pid:<hex>;parent-pid:<hex>;real-uid:..;...;triple:<hex>;ostype:linux;endian:little;
//          ptrsize:8;  or E NN if the process is gone.
// Clients: lldb (without it lldb assumes pid 1).
void process_info(Context& ctx, std::string_view) {
  ctx.state.client_is_lldb = true;
  auto info = ctx.process.info();
  if (!info) return ctx.error(info.error());
  const platform::HostInfo host = platform::host_info();
  put_key_number(ctx, "pid", static_cast<std::uint64_t>(info->pid));
  put_key_number(ctx, "parent-pid", static_cast<std::uint64_t>(info->parent_pid));
  put_key_number(ctx, "real-uid", info->real_uid);
  put_key_number(ctx, "real-gid", info->real_gid);
  put_key_number(ctx, "effective-uid", info->effective_uid);
  put_key_number(ctx, "effective-gid", info->effective_gid);
  put_key_hex_text(ctx, "triple", host.triple);
  ctx.reply.put("ostype:");
  ctx.reply.put(host.os_type);
  ctx.reply.put(";endian:little;");
  put_key_number(ctx, "ptrsize", static_cast<std::uint64_t>(host.pointer_size));
}

// Packet:  qAttached[:pid]
// Reply:   1 when we attached to an existing process (on quit gdb detaches), 0 when we started
//          it (on quit gdb kills it).
// Clients: gdb.
void attached(Context& ctx, std::string_view) {
  ctx.reply.put(ctx.debuggee() != nullptr && ctx.target.launched() ? '0' : '1');
}

// Packet:  qSymbol::  (and qSymbol:<value>:<name> answers)
// Reply:   OK: rspstub needs no symbol values from the client.
// Clients: gdb, lldb.
void symbol(Context& ctx, std::string_view) { ctx.ok(); }

// Packet:  qC
// Reply:   QC<thread-id> (the main thread, or the one selected with Hg).
// Clients: gdb, lldb.
void current_thread(Context& ctx, std::string_view) {
  const int tid = ctx.resolve_thread(nullptr);
  if (tid == 0) return;
  ctx.reply.put("QC");
  ctx.put_thread_id(tid);
}

// Packet:  qfThreadInfo, then qsThreadInfo until `l`
// Reply:   m<id>,<id>,... pages of the thread list taken at qfThreadInfo; `l` at the end.
// Clients: gdb, lldb.
void first_thread_info(Context& ctx, std::string_view) {
  auto threads = ctx.process.threads();
  if (!threads) return ctx.error(threads.error());
  ctx.state.thread_list = std::move(*threads);
  ctx.state.thread_list_pos = 0;
  put_thread_page(ctx);
}

void next_thread_info(Context& ctx, std::string_view) { put_thread_page(ctx); }

// Packet:  T<thread-id>
// Reply:   OK if the thread exists, E08 otherwise.
// Clients: gdb (thread alive checks).
void thread_alive(Context& ctx, std::string_view args) {
  protocol::ThreadId id;
  if (auto e = protocol::parse_thread_id(args, id); e != ErrorCode::none) return ctx.error(e);
  if (id.tid <= 0) return ctx.error(ErrorCode::invalid_argument);
  if (ctx.resolve_thread(&id) != 0) ctx.ok();
}

// Packet:  qGetTIBAddr:<thread-id>
// Reply:   <hex address> of the thread's information block (Windows: its TEB); E NN for an
//          unknown thread; empty (not supported) where the platform has no such block.
// Clients: gdb for Windows targets (asks right after connecting; gdb's mingw build drops the
//          connection when this fails with an error).
void thread_information_block(Context& ctx, std::string_view args) {
  protocol::ThreadId id;
  if (auto e = protocol::parse_thread_id(args, id); e != ErrorCode::none) return ctx.error(e);
  if (id.tid <= 0 || id.tid > std::numeric_limits<int>::max())
    return ctx.error(ErrorCode::invalid_argument);
  auto tib = ctx.process.thread_information_block(static_cast<int>(id.tid));
  if (!tib) {
    if (tib.error() == platform::Error::not_supported) return;  // empty: not supported
    return ctx.error(tib.error());
  }
  ctx.reply.put_hex_number(*tib);
}

// Packet:  qMemoryRegionInfo:<addr>
// Reply:   start:<hex>;size:<hex>;permissions:<r?w?x?>;[name:<hex>;] for a mapping; for a gap,
//          start and size of the gap up to the next mapping, with no permissions.
// Clients: lldb (stack and code discovery, `memory region`).
void memory_region_info(Context& ctx, std::string_view args) {
  std::uint64_t addr = 0;
  if (auto e = protocol::parse_hex_field(args, addr); e != ErrorCode::none) return ctx.error(e);
  auto region = ctx.process.region_at(addr);
  if (!region) return ctx.error(region.error());
  put_key_number(ctx, "start", region->start);
  // end == 0 means "to the top of the address space": the size wraps to 2^64 - start.
  put_key_number(ctx, "size", region->end - region->start);
  if (!region->mapped) return;
  ctx.reply.put("permissions:");
  if (region->readable) ctx.reply.put('r');
  if (region->writable) ctx.reply.put('w');
  if (region->executable) ctx.reply.put('x');
  ctx.reply.put(';');
  if (!region->name.empty()) put_key_hex_text(ctx, "name", region->name);
}

}  // namespace rspstub::stub::handlers
