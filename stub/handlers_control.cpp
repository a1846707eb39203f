// Breakpoints, watchpoints and signal handling of a controlled process, and lldb's thread
// summary. In inspection mode (--no-stop) these are refused or unknown, as before.
#include <string>
#include <vector>

#include "protocol/requests_run.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;
namespace reg = platform::x86_64;

void put_json_u64_hex_le(Context& ctx, const reg::Registers& regs, int r) {
  ctx.reply.put('"');
  ctx.reply.put_hex(regs.bytes(r));
  ctx.reply.put('"');
}

std::string_view json_reason(platform::StopReason r) {
  using platform::StopReason;
  switch (r) {
    case StopReason::breakpoint:
    case StopReason::hw_breakpoint: return "breakpoint";
    case StopReason::watchpoint: return "watchpoint";
    case StopReason::single_step: return "trace";
    case StopReason::exec: return "exec";
    case StopReason::signal:
    case StopReason::interrupt: return "signal";
  }
  return "signal";
}

// QPassSignals: / QProgramSignals: arguments as host signal numbers (unknown ones dropped).
bool host_signal_list(Context& ctx, std::string_view args, std::vector<int>& out) {
  std::vector<int> wire;
  if (auto e = protocol::parse_signal_list(args, wire); e != ErrorCode::none) {
    ctx.error(e);
    return false;
  }
  out.clear();
  for (int s : wire)
    if (int host = ctx.host_signal(s); host > 0) out.push_back(host);
  return true;
}

}  // namespace

// Packet:  Z<type>,<addr>,<kind> / z<type>,<addr>,<kind>   (type 0 software breakpoint,
//          1 hardware breakpoint, 2 write / 3 read / 4 access watchpoint; kind = length)
// Reply:   OK; empty if this type is not available (the client then does without, or plants
//          int3 itself); E0b when the address/length cannot be watched or every debug register
//          is taken, E04/E05 when the code cannot be patched, E01 if malformed.
//          E06 in --multi mode without a process.
//          E07 in --no-stop mode (never empty there: gdb 13 would then silently do nothing, and
//          lldb would plant int3 itself through M), E0c with --read-only.
// Clients: gdb (Z0 for every breakpoint, Z2-Z4 for watch/rwatch/awatch), lldb (the same; asks
//          qWatchpointSupportInfo first).
namespace {

void change_breakpoint(Context& ctx, std::string_view args, bool insert) {
  protocol::Breakpoint bp;
  if (auto e = protocol::parse_breakpoint(args, bp); e != ErrorCode::none) return ctx.error(e);
  platform::Debuggee* d = ctx.debuggee();
  if (d == nullptr || ctx.config.read_only)
    return ctx.error(ctx.config.read_only ? ErrorCode::read_only : ctx.missing_debuggee());
  if (bp.kind > 0xffffffffu) return ctx.error(ErrorCode::invalid_argument);
  const auto type = static_cast<platform::BreakpointType>(bp.type);
  const auto length = static_cast<std::uint32_t>(bp.kind);
  const platform::Error e = insert ? d->insert_breakpoint(type, bp.addr, length)
                                   : d->remove_breakpoint(type, bp.addr, length);
  if (e == platform::Error::not_supported) return;  // empty: this type is not supported
  if (e != platform::Error::none) return ctx.error(e);
  ctx.ok();
}

}  // namespace

void insert_breakpoint(Context& ctx, std::string_view args) { change_breakpoint(ctx, args, true); }
void remove_breakpoint(Context& ctx, std::string_view args) { change_breakpoint(ctx, args, false); }

// Packet:  qWatchpointSupportInfo / qWatchpointSupportInfo:
// Reply:   num:<hardware slots, decimal>; (x86-64: num:4;). E07 in inspection mode.
// Clients: lldb (before its first watchpoint).
void watchpoint_support_info(Context& ctx, std::string_view) {
  platform::Debuggee* d = ctx.debuggee();
  if (d == nullptr) return ctx.error(ctx.missing_debuggee());
  ctx.reply.put("num:");
  ctx.reply.put(std::to_string(d->hardware_watchpoint_slots()));
  ctx.reply.put(';');
}

// Packet:  QPassSignals:<sig>;<sig>;...   (may be empty: pass nothing)
// Reply:   OK; the signals are delivered to the process without a stop from now on. Empty in
//          inspection mode (not supported). In --multi mode also without a process: kept for
//          the next one. E01 if malformed.
// Clients: gdb (before each resume), lldb.
void pass_signals(Context& ctx, std::string_view args) {
  if (ctx.debuggee() == nullptr && !ctx.target.extended()) return;
  std::vector<int> host;
  if (!host_signal_list(ctx, args, host)) return;
  ctx.target.set_pass_signals(std::move(host));  // also kept for the next process (--multi)
  ctx.ok();
}

// Packet:  QProgramSignals:<sig>;<sig>;...
// Reply:   OK (remembered; every signal reaches the program when the client resumes with it).
//          Empty in inspection mode. E01 if malformed.
// Clients: gdb (after the handshake).
void program_signals(Context& ctx, std::string_view args) {
  if (ctx.debuggee() == nullptr && !ctx.target.extended()) return;
  if (!host_signal_list(ctx, args, ctx.state.program_signals)) return;
  ctx.ok();
}

// Packet:  jThreadsInfo
// Reply:   JSON array, one object per thread, keys sorted as lldb-server sends them:
//          {"name":..,"reason":..,"registers":{"16":<rip>,"6":<rbp>,"7":<rsp>},"signal":N,
//           "tid":N} — reason and signal only for the thread that reported the last stop;
//          register values as target-order hex bytes. Empty in inspection mode.
// Clients: lldb (after every stop, to learn all threads' frames at once).
void threads_info(Context& ctx, std::string_view) {
  if (ctx.debuggee() == nullptr) return;
  auto threads = ctx.process.threads();
  if (!threads) return ctx.error(threads.error());
  const auto& last = ctx.target.last_stop();
  ctx.reply.put('[');
  bool first = true;
  for (int tid : *threads) {
    if (!first) ctx.reply.put(',');
    first = false;
    ctx.reply.put('{');
    if (auto name = ctx.process.thread_name(tid)) {
      ctx.reply.put("\"name\":\"");
      for (char c : *name) {  // JSON string: escape what JSON needs, drop control characters
        if (c == '"' || c == '\\') ctx.reply.put('\\');
        if (static_cast<unsigned char>(c) >= 0x20) ctx.reply.put(c);
      }
      ctx.reply.put("\",");
    }
    const bool reporter = last && last->kind == platform::StopEvent::Kind::stopped &&
                          last->tid == tid;
    if (reporter) {
      ctx.reply.put("\"reason\":\"");
      ctx.reply.put(json_reason(last->reason));
      ctx.reply.put("\",");
    }
    if (auto regs = ctx.process.registers(tid)) {
      ctx.reply.put("\"registers\":{");
      bool first_reg = true;
      for (int r : {int(reg::rip), int(reg::rbp), int(reg::rsp)}) {  // "16" < "6" < "7"
        if (!regs->valid.test(r)) continue;
        if (!first_reg) ctx.reply.put(',');
        first_reg = false;
        ctx.reply.put('"');
        ctx.reply.put(std::to_string(r));
        ctx.reply.put("\":");
        put_json_u64_hex_le(ctx, *regs, r);
      }
      ctx.reply.put("},");
    }
    if (reporter) {
      ctx.reply.put("\"signal\":");
      ctx.reply.put(std::to_string(ctx.wire_signal(last->signal)));
      ctx.reply.put(',');
    }
    ctx.reply.put("\"tid\":");
    ctx.reply.put(std::to_string(tid));
    ctx.reply.put('}');
  }
  ctx.reply.put(']');
}

}  // namespace rspstub::stub::handlers
