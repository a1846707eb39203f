// Run control. In --no-stop (inspection) mode the target is never stopped by us, so:
// a resume request is answered at once with a stop reply (SIGINT, 02) — gdb and lldb then
// believe the target stopped again and carry on; breakpoints are refused with E07; kill and
// detach end the connection and leave the process running as it was.
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;

// The signal reported in stop replies of inspection mode. Chosen with the real clients:
// E01 ends lldb's session, T00 makes lldb resume in a loop, T13 (SIGSTOP) makes it resend.
constexpr int kInspectionStopSignal = 2;  // SIGINT

void report_stop(Context& ctx) {
  const int tid = ctx.resolve_thread(nullptr);
  if (tid == 0) return;
  ctx.put_stop_reply(kInspectionStopSignal, tid);
}

}  // namespace

// Packet:  ?
// Reply:   T02<expedited pc/sp>thread:<id>;[threads:...;]
// Clients: gdb and lldb, right after the handshake.
void stop_reason(Context& ctx, std::string_view) { report_stop(ctx); }

// Packet:  qThreadStopInfo<tid>
// Reply:   the stop reply for that thread (T02, its known PC/SP, thread:<id>), E08 if unknown.
// Clients: lldb (for each thread it lists, to learn its PC without reading registers).
void thread_stop_info(Context& ctx, std::string_view args) {
  protocol::ThreadId id;
  if (auto e = protocol::parse_thread_id(args, id); e != ErrorCode::none) return ctx.error(e);
  const int tid = ctx.resolve_thread(&id);
  if (tid == 0) return;
  ctx.put_stop_reply(kInspectionStopSignal, tid);
}

// Packet:  Hg<thread-id> / Hc<thread-id>
// Reply:   OK, or E08 for a thread that does not exist.
// Clients: gdb (Hg0, Hgp0.0), lldb (Hg<tid>).
void set_thread(Context& ctx, std::string_view args) {
  protocol::SetThread req;
  if (auto e = protocol::parse_set_thread(args, req); e != ErrorCode::none) return ctx.error(e);
  if (req.thread.tid > 0 && ctx.resolve_thread(&req.thread) == 0) return;
  if (req.op == 'g') ctx.state.general_thread = req.thread.tid > 0 ? req.thread.tid : 0;
  ctx.ok();
}

// Packet:  vCont?
// Reply:   vCont;c;C;s;S (resume actions understood; in --no-stop mode each answers at once).
// Clients: lldb (requires it), gdb.
void vcont_query(Context& ctx, std::string_view) { ctx.reply.put("vCont;c;C;s;S"); }

// Packet:  c, s, C<sig>, S<sig>, vCont;<action>...
// Reply:   an immediate T02 stop reply: inspection mode never lets a client run the target.
void resume(Context& ctx, std::string_view) {
  ctx.log.log(LogLevel::debug, "resume request answered with a stop: --no-stop mode");
  report_stop(ctx);
}

// Packet:  D / D;<pid>
// Reply:   OK, then the connection ends; the process runs on untouched.
// Clients: gdb (detach, quit), lldb (detach).
void detach(Context& ctx, std::string_view) {
  ctx.ok();
  ctx.state.close_after_reply = true;
}

// Packet:  k
// Reply:   X09;process:<pid> as a killed process would give — but inspection mode never kills:
//          the process keeps running and the connection ends.
// Clients: lldb (quit), gdb (kill).
void kill(Context& ctx, std::string_view) {
  ctx.log.log(LogLevel::info, "kill request: inspection mode leaves the process running");
  ctx.reply.put("X09;process:");
  ctx.reply.put_hex_number(static_cast<std::uint64_t>(ctx.process.pid()));
  ctx.state.close_after_reply = true;
}

// Packet:  vKill;<pid>
// Reply:   E07: inspection mode never kills.
void vkill(Context& ctx, std::string_view) { ctx.error(ErrorCode::not_in_this_mode); }

// Packet:  Z<type>,<addr>,<kind> / z...
// Reply:   E07 in --no-stop mode (never empty: gdb 13 would then silently do nothing, and lldb
//          would plant int3 itself through M), E0c with --read-only, E01 if malformed.
void breakpoint(Context& ctx, std::string_view args) {
  protocol::Breakpoint bp;
  if (auto e = protocol::parse_breakpoint(args, bp); e != ErrorCode::none) return ctx.error(e);
  ctx.error(ctx.config.read_only ? ErrorCode::read_only : ErrorCode::not_in_this_mode);
}

}  // namespace rspstub::stub::handlers
