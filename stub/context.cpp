#include "stub/context.hpp"

#include <algorithm>

#include "protocol/hex.hpp"
#include "stub/error_map.hpp"

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

void Context::put_stop_reply(int signal, int tid) {
  reply.put('T');
  reply.put(protocol::kHexDigits[(signal >> 4) & 15]);
  reply.put(protocol::kHexDigits[signal & 15]);
  // Expedite what is known of the PC and SP, so a client need not ask for registers.
  if (auto regs = process.registers(tid)) {
    for (int r : {int(reg::rsp), int(reg::rip)}) {
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
}

void Context::put_hex_u64_fixed(std::uint64_t v) {
  for (int shift = 60; shift >= 0; shift -= 4) reply.put(protocol::kHexDigits[(v >> shift) & 15]);
}

}  // namespace rspstub::stub
