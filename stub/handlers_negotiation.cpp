// Feature negotiation: everything a connection agrees on lives here and in ConnectionState.
#include "platform/host.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {

// Packet:  qSupported[:client-features]
// Reply:   PacketSize=<hex>;feature+;... (what rspstub offers; with a controlled process also
//          QPassSignals+, QProgramSignals+, qXfer:siginfo:read+, and swbreak+/hwbreak+ when the
//          client offered them: its stop replies then say why a breakpoint stop happened; in
//          --multi mode those and QEnvironmentHexEncoded+, QEnvironmentUnset+,
//          QEnvironmentReset+, QStartupWithShell+, QSetWorkingDir+, QDisableRandomization+;
//          qXfer:libraries:read+ when the backend lists DLLs, i.e. on Windows)
// Clients: gdb (first packet), lldb (after QStartNoAckMode).
// PacketSize is in hex: gdb and lldb both parse it so (lldb-server's "131072" is read as hex).
void supported(Context& ctx, std::string_view args) {
  if (!args.empty() && args.front() == ':') args.remove_prefix(1);
  const protocol::ClientFeatures client = protocol::parse_client_features(args);
  ctx.state.multiprocess = client.multiprocess;
  ctx.state.swbreak = client.swbreak;
  ctx.state.hwbreak = client.hwbreak;
  ctx.state.client_error_message = client.error_message;
  if (client.error_message && ctx.state.error_style == protocol::ErrorStyle::code_only)
    ctx.state.error_style = protocol::ErrorStyle::dot_text;
  // Not a way to tell lldb from gdb: both send xmlRegisters= (gdb 13: "xmlRegisters=i386").

  ctx.reply.put("PacketSize=");
  ctx.reply.put_hex_number(ctx.config.packet_size);
  ctx.reply.put(
      ";QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;qXfer:exec-file:read+"
      ";qXfer:threads:read+;binary-upload+;QThreadSuffixSupported+;QListThreadsInStopReply+"
      ";QEnableErrorStrings+;vContSupported+");
  ctx.reply.put(";qXfer:libraries-svr4:read+");
  // The DLL list only where the backend lists modules (Windows): Linux replies stay as they were.
  // The host's word counts too: with --multi there may be no process yet.
  static const bool host_lists_modules = platform::host_info().lists_loaded_modules;
  if (host_lists_modules || ctx.process.lists_loaded_modules())
    ctx.reply.put(";qXfer:libraries:read+");
  if (client.multiprocess) ctx.reply.put(";multiprocess+");
  if (ctx.debuggee() != nullptr || ctx.target.extended()) {
    // Run control: only offered when there is (or, with --multi, may be) a process to control.
    ctx.reply.put(";QPassSignals+;QProgramSignals+;qXfer:siginfo:read+");
    if (client.swbreak) ctx.reply.put(";swbreak+");
    if (client.hwbreak) ctx.reply.put(";hwbreak+");
  }
  if (ctx.target.extended()) {
    // What gdb's `run` sends before vRun when offered (handlers_extended.cpp).
    ctx.reply.put(
        ";QEnvironmentHexEncoded+;QEnvironmentUnset+;QEnvironmentReset+;QStartupWithShell+"
        ";QSetWorkingDir+;QDisableRandomization+");
  }
}

// Packet:  QStartNoAckMode
// Reply:   OK (itself still acked); afterwards no `+`/`-` in either direction.
// Clients: gdb and lldb (lldb sends it before qSupported, advertised or not).
void start_no_ack_mode(Context& ctx, std::string_view) {
  ctx.ok();
  ctx.state.no_ack = true;
}

// Packet:  QEnableErrorStrings
// Reply:   OK; from now on errors are `E NN;<hex text>`.
// Clients: lldb.
void enable_error_strings(Context& ctx, std::string_view) {
  ctx.state.client_is_lldb = true;
  ctx.state.error_style = protocol::ErrorStyle::code_and_hex;
  ctx.ok();
}

// Packet:  QThreadSuffixSupported
// Reply:   OK; lldb then appends ";thread:<tid>;" to register packets.
// Clients: lldb.
void thread_suffix_supported(Context& ctx, std::string_view) {
  ctx.state.client_is_lldb = true;
  ctx.state.thread_suffix = true;
  ctx.ok();
}

// Packet:  QListThreadsInStopReply
// Reply:   OK; stop replies then carry "threads:<tid>,...;".
// Clients: lldb.
void list_threads_in_stop_reply(Context& ctx, std::string_view) {
  ctx.state.client_is_lldb = true;
  ctx.state.list_threads_in_stop = true;
  ctx.ok();
}

}  // namespace rspstub::stub::handlers
