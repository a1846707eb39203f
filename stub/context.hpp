// What a packet handler works with: the target, the settings, the connection's negotiated state
// and the reply being built. Handlers write exactly one reply payload (possibly empty, which
// means "not supported").
#pragma once

#include <string_view>

#include "platform/process.hpp"
#include "protocol/errors.hpp"
#include "protocol/reply.hpp"
#include "protocol/requests.hpp"
#include "stub/config.hpp"
#include "stub/connection_state.hpp"
#include "stub/log.hpp"

namespace rspstub::stub {

struct Context {
  platform::Process& process;
  const SessionConfig& config;
  ConnectionState& state;
  protocol::ReplyBuffer& reply;
  Logger& log;

  void error(protocol::ErrorCode code) { reply.put_error(code, state.error_style); }
  void error(platform::Error e);
  void ok() { reply.put("OK"); }

  // Writes a thread id in the form the connection uses (p<pid>.<tid> with multiprocess).
  void put_thread_id(int tid);

  // The thread a request means: an explicit id, else the Hg thread, else the main thread.
  // Returns 0 and writes an error reply when the thread does not exist.
  int resolve_thread(const protocol::ThreadId* explicit_id);

  // Writes `T<sig>` + the PC/SP known for the thread + `thread:<id>;`, and for lldb (after
  // QListThreadsInStopReply) `threads:<tid>,...;thread-pcs:<pc>,...;`.
  void put_stop_reply(int signal, int tid);

  // 16 hex digits, most significant first (lldb's thread-pcs form).
  void put_hex_u64_fixed(std::uint64_t v);
};

}  // namespace rspstub::stub
