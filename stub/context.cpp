#include "stub/context.hpp"

#include <algorithm>
#include <string>

#include "protocol/hex.hpp"
#include "stub/error_map.hpp"
#include "stub/signals.hpp"

namespace rspstub::stub {

using platform::x86_64::Registers;
namespace reg = platform::x86_64;

void Context::error(platform::Error e) { error(to_wire_error(e)); }

void Context::put_thread_id(int tid) {
  if (state.multiprocess) {
    reply.put('p');
    reply.put_hex_number(static_cast<std::uint64_t>(process.pid()));
    reply.put('.');
  }
  reply.put_hex_number(static_cast<std::uint64_t>(tid));
}

int Context::resolve_thread(const protocol::ThreadId* explicit_id) {
  auto threads = process.threads();
  if (!threads) {
    error(threads.error());
    return 0;
  }
  if (threads->empty()) {
    error(protocol::ErrorCode::process_gone);
    return 0;
  }
  std::int64_t want = explicit_id != nullptr ? explicit_id->tid : state.general_thread;
  if (explicit_id != nullptr && explicit_id->pid > 0 && explicit_id->pid != process.pid()) {
    error(protocol::ErrorCode::no_such_thread);
    return 0;
  }
  if (want <= 0) return threads->front();  // any / all: the main thread
  if (std::find(threads->begin(), threads->end(), want) == threads->end()) {
    error(protocol::ErrorCode::no_such_thread);
    return 0;
  }
  return static_cast<int>(want);
}

int Context::wire_signal(int host_signal) const {
  return state.client_is_lldb ? host_signal : host_to_gdb_signal(host_signal);
}

int Context::host_signal(int wire_signal) const {
  if (state.client_is_lldb) return wire_signal >= 0 && wire_signal <= 64 ? wire_signal : -1;
  return gdb_to_host_signal(wire_signal);
}

namespace {

constexpr int kSigStop = 19;  // Linux SIGSTOP

// lldb's name for why a thread stopped (what lldb-server sends in `reason:`).
std::string_view lldb_reason(platform::StopReason r) {
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

std::string_view gdb_watch_key(platform::WatchKind k) {
  switch (k) {
    case platform::WatchKind::write: return "watch:";
    case platform::WatchKind::read: return "rwatch:";
    case platform::WatchKind::access: return "awatch:";
  }
  return "watch:";
}

}  // namespace

void Context::put_stop_reply(int signal, int tid, const platform::StopEvent* why) {
  // lldb reads a stop without a signal as "no reason" and resumes on its own; lldb-server
  // reports the stop we made (attach) as SIGSTOP, so lldb gets that.
  if (signal == 0 && why != nullptr && state.client_is_lldb) signal = kSigStop;
  const int wire = wire_signal(signal) & 0xff;
  reply.put('T');
  reply.put(protocol::kHexDigits[(wire >> 4) & 15]);
  reply.put(protocol::kHexDigits[wire & 15]);
  if (why != nullptr) {
    using platform::StopReason;
    if (why->reason == StopReason::breakpoint && state.swbreak) reply.put("swbreak:;");
    if (why->reason == StopReason::hw_breakpoint && state.hwbreak) reply.put("hwbreak:;");
    if (why->reason == StopReason::watchpoint) {
      reply.put(gdb_watch_key(why->watch_kind));
      reply.put_hex_number(why->watch_address);
      reply.put(';');
    }
  }
  // Expedite what is known of the frame registers, so a client need not ask for them.
  if (auto regs = process.registers(tid)) {
    for (int r : {int(reg::rbp), int(reg::rsp), int(reg::rip)}) {
      if (!regs->valid.test(r)) continue;
      reply.put(protocol::kHexDigits[(r >> 4) & 15]);  // two digits, as gdbserver sends them
      reply.put(protocol::kHexDigits[r & 15]);
      reply.put(':');
      reply.put_hex(regs->bytes(r));
      reply.put(';');
    }
  }
  reply.put("thread:");
  put_thread_id(tid);
  reply.put(';');
  if (state.list_threads_in_stop) {
    if (auto threads = process.threads(); threads && !threads->empty()) {
      reply.put("threads:");
      for (std::size_t i = 0; i < threads->size(); ++i) {
        if (i != 0) reply.put(',');
        reply.put_hex_number(static_cast<std::uint64_t>((*threads)[i]));
      }
      reply.put(';');
      // lldb takes every thread's PC from here instead of reading registers; unknown -> 0.
      reply.put("thread-pcs:");
      for (std::size_t i = 0; i < threads->size(); ++i) {
        if (i != 0) reply.put(',');
        auto regs = process.registers((*threads)[i]);
        const bool known = regs && regs->valid.test(reg::rip);
        put_hex_u64_fixed(known ? regs->get_u64(reg::rip) : 0);
      }
      reply.put(';');
    }
  }
  if (why != nullptr && state.client_is_lldb) {
    reply.put("reason:");
    reply.put(lldb_reason(why->reason));
    reply.put(';');
    if (why->reason == platform::StopReason::watchpoint) {
      // lldb: description = ascii-hex of the watched address in decimal.
      reply.put("description:");
      reply.put_hex_text(std::to_string(why->watch_address));
      reply.put(';');
    }
  }
}

void Context::put_stop_event(const platform::StopEvent& event) {
  using Kind = platform::StopEvent::Kind;
  if (event.kind == Kind::stopped) return put_stop_reply(event.signal, event.tid, &event);
  const int code = event.kind == Kind::exited ? event.exit_code : wire_signal(event.signal);
  reply.put(event.kind == Kind::exited ? 'W' : 'X');
  reply.put(protocol::kHexDigits[(code >> 4) & 15]);
  reply.put(protocol::kHexDigits[code & 15]);
  if (state.multiprocess || state.client_is_lldb) {
    reply.put(";process:");
    reply.put_hex_number(static_cast<std::uint64_t>(event.tid));
  }
}

void Context::put_hex_u64_fixed(std::uint64_t v) {
  for (int shift = 60; shift >= 0; shift -= 4) reply.put(protocol::kHexDigits[(v >> shift) & 15]);
}

}  // namespace rspstub::stub
