// What a packet handler works with: the target, the settings, the connection's negotiated state
// and the reply being built. Handlers write exactly one reply payload (possibly empty, which
// means "not supported").
#pragma once

#include <string_view>

#include "platform/debuggee.hpp"
#include "platform/process.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"
#include "protocol/requests.hpp"
#include "stub/config.hpp"
#include "stub/connection_state.hpp"
#include "stub/log.hpp"
#include "stub/read_ahead.hpp"
#include "stub/speculative_read.hpp"
#include "stub/target.hpp"

namespace rspstub::stub {

struct Context {
  Target& target;
  platform::Process& process;  // target.process(): a null object answering process_gone if none
  const SessionConfig& config;
  ConnectionState& state;
  protocol::ReplyBuffer& reply;
  Logger& log;
  ReadAhead& read_ahead;  // the next piece of a streamed m/x reply
  SpeculativeRead& speculation;  // the next bulk read, read before it is asked for

  void error(protocol::ErrorCode code) { reply.put_error(code, state.error_style); }
  void error(platform::Error e);
  void ok() { reply.put("OK"); }

  // The controlled process; nullptr in inspection mode (--no-stop) or with nothing to serve.
  platform::Debuggee* debuggee() { return target.debuggee(); }
  // Why a run-control request cannot be served without a controlled process: E06 in extended
  // mode (no process yet, or it is gone), E07 in inspection mode.
  protocol::ErrorCode missing_debuggee() const {
    return target.extended() ? protocol::ErrorCode::process_gone
                             : protocol::ErrorCode::not_in_this_mode;
  }
  // Extended mode (--multi) with no process to serve right now.
  bool no_process_yet() { return target.extended() && target.debuggee() == nullptr; }

  // Signal numbers as this client speaks them (gdb's own numbering, lldb's host numbering).
  int wire_signal(int host_signal) const;
  int host_signal(int wire_signal) const;  // -1: no such signal on this host

  // Writes a thread id in the form the connection uses (p<pid>.<tid> with multiprocess).
  void put_thread_id(int tid);

  // The thread a request means: an explicit id, else the Hg thread, else the main thread.
  // Returns 0 and writes an error reply when the thread does not exist.
  int resolve_thread(const protocol::ThreadId* explicit_id);

  // Writes `T<sig>` + [why: swbreak:;/hwbreak:;/watch:<addr>;] + the known rbp/rsp/rip +
  // `thread:<id>;`, for lldb (after QListThreadsInStopReply) `threads:<tid>,...;thread-pcs:...;`
  // and, when `why` is given, lldb's `reason:<...>;`. `signal` is the host's number.
  void put_stop_reply(int signal, int tid, const platform::StopEvent* why = nullptr);

  // The stop reply for an event of the controlled process: T (stopped), W<code> (exited),
  // X<sig> (killed by a signal), with `;process:<pid>` for multiprocess gdb and for lldb.
  void put_stop_event(const platform::StopEvent& event);

  // 16 hex digits, most significant first (lldb's thread-pcs form).
  void put_hex_u64_fixed(std::uint64_t v);
};

}  // namespace rspstub::stub
