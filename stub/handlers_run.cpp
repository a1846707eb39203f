// Run control. With a controlled process (launch, or attach without --no-stop) a resume is
// answered only when the process stops: the session waits (ConnectionState::awaiting_stop) and
// the stop reply comes from Session::target_stopped().
// In --no-stop (inspection) mode the target is never stopped by us, so: a resume request is
// answered at once with a stop reply (SIGINT, 02) — gdb and lldb then believe the target stopped
// again and carry on; kill and detach end the connection and leave the process running.
#include <algorithm>
#include <vector>

#include "protocol/requests_run.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using platform::ResumeAction;
using protocol::ErrorCode;
namespace reg = platform::x86_64;

// The signal reported in stop replies of inspection mode. Chosen with the real clients:
// E01 ends lldb's session, T00 makes lldb resume in a loop, T13 (SIGSTOP) makes it resend.
constexpr int kInspectionStopSignal = 2;  // SIGINT

void report_inspection_stop(Context& ctx) {
  const int tid = ctx.resolve_thread(nullptr);
  if (tid == 0) return;
  ctx.put_stop_reply(kInspectionStopSignal, tid);
}

// Maps a client's thread id onto a resume action's tid (-1: every thread). 0 after an error.
bool action_thread(Context& ctx, const protocol::VContAction& a, int& tid) {
  tid = -1;
  if (!a.has_thread) return true;
  if (a.thread.pid > 0 && a.thread.pid != ctx.process.pid()) {
    ctx.error(ErrorCode::no_such_thread);
    return false;
  }
  if (a.thread.tid <= 0) return true;  // all (or any) threads of the process
  tid = ctx.resolve_thread(&a.thread);
  return tid != 0;
}

// The host signal for a client's signal number; false after an error reply.
bool host_signal_of(Context& ctx, int wire, int& host) {
  host = wire == 0 ? 0 : ctx.host_signal(wire);
  if (host < 0) {
    ctx.error(ErrorCode::invalid_argument);
    return false;
  }
  return true;
}

// Resumes the controlled process; on success the reply waits for the stop.
void start_resume(Context& ctx, std::span<const ResumeAction> actions) {
  platform::Debuggee& d = *ctx.debuggee();
  if (ctx.target.running()) return ctx.error(ErrorCode::invalid_argument);  // already running
  if (auto e = d.resume(actions); e != platform::Error::none) return ctx.error(e);
  ctx.target.set_running();
  ctx.state.awaiting_stop = true;
}

void resume_vcont(Context& ctx, std::string_view args) {
  std::vector<protocol::VContAction> parsed;
  if (auto e = protocol::parse_vcont(args, parsed); e != ErrorCode::none) return ctx.error(e);
  std::vector<ResumeAction> actions;
  actions.reserve(parsed.size());
  for (const auto& a : parsed) {
    ResumeAction r;
    if (!action_thread(ctx, a, r.tid)) return;
    if (!host_signal_of(ctx, a.signal, r.signal)) return;
    switch (a.op) {
      case protocol::VContAction::Op::cont: r.kind = ResumeAction::Kind::cont; break;
      case protocol::VContAction::Op::step: r.kind = ResumeAction::Kind::step; break;
      case protocol::VContAction::Op::stop: r.kind = ResumeAction::Kind::stay_stopped; break;
    }
    actions.push_back(r);
  }
  // All-stop: a vCont that runs no thread would never produce the stop the client waits for.
  if (std::ranges::none_of(actions, [](const ResumeAction& a) {
        return a.kind != ResumeAction::Kind::stay_stopped;
      }))
    return ctx.error(ErrorCode::invalid_argument);
  start_resume(ctx, actions);
}

// c [addr], s [addr], C sig[;addr], S sig[;addr]: `op` is the packet letter.
void resume_legacy(Context& ctx, char op, std::string_view args) {
  const bool with_signal = op == 'C' || op == 'S';
  const bool step = op == 's' || op == 'S';
  protocol::LegacyResume req;
  if (auto e = protocol::parse_legacy_resume(args, with_signal, req); e != ErrorCode::none)
    return ctx.error(e);
  ResumeAction action;
  if (!host_signal_of(ctx, req.signal, action.signal)) return;
  int tid = 0;
  if (step || req.has_addr) {
    protocol::ThreadId hc;
    hc.tid = ctx.state.continue_thread;
    tid = ctx.resolve_thread(ctx.state.continue_thread > 0 ? &hc : nullptr);
    if (tid == 0) return;
  }
  if (req.has_addr) {  // resume at addr: set the thread's PC first
    reg::Registers pc;
    pc.set_u64(reg::rip, req.addr);
    if (auto e = ctx.debuggee()->write_registers(tid, pc); e != platform::Error::none)
      return ctx.error(e);
  }
  action.kind = step ? ResumeAction::Kind::step : ResumeAction::Kind::cont;
  action.tid = step ? tid : -1;
  start_resume(ctx, std::span(&action, 1));
}

}  // namespace

// Packet:  ?
// Reply:   the last stop: T<sig>[swbreak:;|watch:..;]<rbp/rsp/rip>thread:<id>;[lldb keys], or
//          W<code>/X<sig>[;process:<pid>] once the process has ended; inspection mode: T02 with
//          the known PC/SP. E06 if there is no process; W00 in --multi mode before the first
//          vRun/vAttach and after a kill or detach (gdbserver's answer: "no process").
// Clients: gdb and lldb, right after the handshake.
void stop_reason(Context& ctx, std::string_view) {
  if (ctx.no_process_yet()) return ctx.reply.put("W00");  // as gdbserver --multi answers
  if (ctx.debuggee() == nullptr) return report_inspection_stop(ctx);
  const auto& last = ctx.target.last_stop();
  if (!last || (last->kind == platform::StopEvent::Kind::stopped && !ctx.process.alive()))
    return ctx.error(ErrorCode::process_gone);
  ctx.put_stop_event(*last);
  if (last->kind != platform::StopEvent::Kind::stopped) ctx.target.set_end_reported();
}

// Packet:  qThreadStopInfo<tid>
// Reply:   that thread's stop reply: the reporting thread gets the last stop's signal and
//          reason, the others T00; inspection mode: T02 and its known PC/SP. E08 if unknown.
// Clients: lldb (for each thread it lists, to learn its PC without reading registers).
void thread_stop_info(Context& ctx, std::string_view args) {
  protocol::ThreadId id;
  if (auto e = protocol::parse_thread_id(args, id); e != ErrorCode::none) return ctx.error(e);
  const int tid = ctx.resolve_thread(&id);
  if (tid == 0) return;
  if (ctx.debuggee() == nullptr) return ctx.put_stop_reply(kInspectionStopSignal, tid);
  const auto& last = ctx.target.last_stop();
  if (last && last->kind == platform::StopEvent::Kind::stopped && last->tid == tid)
    return ctx.put_stop_reply(last->signal, tid, &*last);
  ctx.put_stop_reply(0, tid);
}

// Packet:  Hg<thread-id> / Hc<thread-id>
// Reply:   OK, or E08 for a thread that does not exist.
// Clients: gdb (Hg0, Hgp0.0, Hc-1), lldb (Hg<tid>).
void set_thread(Context& ctx, std::string_view args) {
  protocol::SetThread req;
  if (auto e = protocol::parse_set_thread(args, req); e != ErrorCode::none) return ctx.error(e);
  if (req.thread.tid > 0 && ctx.resolve_thread(&req.thread) == 0) return;
  const std::int64_t chosen = req.thread.tid > 0 ? req.thread.tid : 0;
  if (req.op == 'g') ctx.state.general_thread = chosen;
  if (req.op == 'c') ctx.state.continue_thread = chosen;
  ctx.ok();
}

// Packet:  vCont?
// Reply:   vCont;c;C;s;S;t with a controlled process; vCont;c;C;s;S in inspection mode (each
//          answered at once there).
// Clients: lldb (requires it), gdb.
void vcont_query(Context& ctx, std::string_view) {
  ctx.reply.put(ctx.debuggee() != nullptr || ctx.target.extended() ? "vCont;c;C;s;S;t" : "vCont;c;C;s;S");
}

// Packet:  vCont;<action>[:<thread-id>]... (c, C<sig>, s, S<sig>, t; thread ids <tid>,
//          p<pid>.<tid>, p<pid>.-1), c[addr], s[addr], C<sig>[;addr], S<sig>[;addr]
// Reply:   nothing until the process stops, then its stop reply (T/W/X). E NN at once if the
//          resume is refused (E01 malformed, E08 unknown thread, E0b bad signal, already
//          running, or nothing to run (only t actions), E06 process gone or, in --multi mode,
//          none yet). Inspection mode: an immediate T02 stop reply.
// Clients: gdb (vCont;c:p<pid>.-1, vCont;s:p<pid>.<tid>), lldb (the same, without p when
//          multiprocess is off).
void resume(Context& ctx, std::string_view args) {
  if (ctx.no_process_yet()) return ctx.error(ErrorCode::process_gone);
  if (ctx.debuggee() == nullptr) {
    ctx.log.log(LogLevel::debug, "resume request answered with a stop: --no-stop mode");
    return report_inspection_stop(ctx);
  }
  resume_vcont(ctx, args);
}

// c, s, C, S: see resume() above.
void resume_c(Context& ctx, std::string_view args) {
  if (ctx.debuggee() == nullptr) return resume(ctx, args);
  resume_legacy(ctx, 'c', args);
}
void resume_s(Context& ctx, std::string_view args) {
  if (ctx.debuggee() == nullptr) return resume(ctx, args);
  resume_legacy(ctx, 's', args);
}
void resume_C(Context& ctx, std::string_view args) {
  if (ctx.debuggee() == nullptr) return resume(ctx, args);
  resume_legacy(ctx, 'C', args);
}
void resume_S(Context& ctx, std::string_view args) {
  if (ctx.debuggee() == nullptr) return resume(ctx, args);
  resume_legacy(ctx, 'S', args);
}

// Packet:  vCtrlC
// Reply:   OK (the process is asked to stop; its stop reply answers the pending resume).
//          E07 in inspection mode, E06 in --multi mode without a process.
// Clients: gdb (non-stop and some all-stop setups), scripted clients.
void ctrl_c(Context& ctx, std::string_view) {
  platform::Debuggee* d = ctx.debuggee();
  if (d == nullptr) return ctx.error(ctx.missing_debuggee());
  if (ctx.target.running()) {
    if (auto e = d->interrupt(); e != platform::Error::none) return ctx.error(e);
  }
  ctx.ok();
}

// Packet:  D / D;<pid>
// Reply:   OK, and the process runs on without us (breakpoints removed); then the connection
//          ends, except in --multi mode, where the client stays and may vRun/vAttach again.
//          E08 for another pid, E06 if the process is gone (or, in --multi mode, none yet).
// Clients: gdb (detach, quit), lldb (detach).
void detach(Context& ctx, std::string_view args) {
  protocol::DetachRequest req;
  if (auto e = protocol::parse_detach(args, req); e != ErrorCode::none) return ctx.error(e);
  if (ctx.no_process_yet()) return ctx.error(ErrorCode::process_gone);
  if (platform::Debuggee* d = ctx.debuggee()) {
    if (req.has_pid && req.pid != static_cast<std::uint64_t>(ctx.process.pid()))
      return ctx.error(ErrorCode::no_such_thread);
    if (auto e = d->detach(0); e != platform::Error::none) return ctx.error(e);
    ctx.target.set_end_reported();
    ctx.log.log(LogLevel::info, "detached from process " + std::to_string(ctx.process.pid()));
  }
  ctx.ok();
  if (ctx.target.extended()) {
    ctx.target.release_process();  // already detached: nothing more happens to it
    return;
  }
  ctx.state.close_after_reply = true;
}

// Packet:  k
// Reply:   X09;process:<pid> (as lldb-server answers; gdbserver sends nothing and gdb reads
//          nothing), then the connection ends. The controlled process is killed; inspection
//          mode never kills: the process keeps running. In --multi mode the connection stays
//          (the client may vRun again) and gdb, which reads no reply, gets none; lldb gets X09.
// Clients: lldb (quit, kill), gdb without multiprocess.
void kill(Context& ctx, std::string_view) {
  const int pid = ctx.process.pid();
  if (platform::Debuggee* d = ctx.debuggee()) {
    if (auto e = d->kill(); e != platform::Error::none && e != platform::Error::process_gone)
      return ctx.error(e);
    ctx.target.set_end_reported();
    ctx.log.log(LogLevel::info, "killed process " + std::to_string(pid));
  } else if (!ctx.target.extended()) {
    ctx.log.log(LogLevel::info, "kill request: inspection mode leaves the process running");
  }
  if (ctx.target.extended()) {
    ctx.target.release_process();
    if (!ctx.state.client_is_lldb) {
      ctx.state.no_reply = true;
      return;
    }
  } else {
    ctx.state.close_after_reply = true;
  }
  ctx.reply.put("X09");
  if (pid > 0) {
    ctx.reply.put(";process:");
    ctx.reply.put_hex_number(static_cast<std::uint64_t>(pid));
  }
}

// Packet:  vKill;<pid>
// Reply:   OK once the process is killed (the client then disconnects, except in --multi mode,
//          where the server waits for the next vRun); E08 for another pid; E07 in inspection
//          mode (never kills); E06 in --multi mode without a process.
// Clients: gdb (kill, quit after run) with multiprocess.
void vkill(Context& ctx, std::string_view args) {
  platform::Debuggee* d = ctx.debuggee();
  if (d == nullptr) return ctx.error(ctx.missing_debuggee());
  std::uint64_t pid = 0;
  if (auto e = protocol::parse_hex_field(args, pid); e != ErrorCode::none) return ctx.error(e);
  if (pid != static_cast<std::uint64_t>(ctx.process.pid()))
    return ctx.error(ErrorCode::no_such_thread);
  if (auto e = d->kill(); e != platform::Error::none && e != platform::Error::process_gone)
    return ctx.error(e);
  ctx.target.set_end_reported();
  ctx.log.log(LogLevel::info, "killed process " + std::to_string(pid));
  if (ctx.target.extended()) ctx.target.release_process();
  ctx.ok();
}

}  // namespace rspstub::stub::handlers
