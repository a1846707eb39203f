// Register packets. In --no-stop mode only what /proc tells without stopping the thread is
// known (PC and SP of a thread blocked in a system call); the rest is "unavailable".
#include "protocol/hex.hpp"
#include "protocol/requests_run.hpp"
#include "stub/handlers.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;
namespace reg = platform::x86_64;

// The thread named by lldb's ";thread:<tid>;" suffix, or the Hg thread. 0 after an error reply.
int thread_for(Context& ctx, std::string_view& args) {
  bool has_thread = false;
  protocol::ThreadId id;
  if (auto e = protocol::split_thread_suffix(args, has_thread, id); e != ErrorCode::none) {
    ctx.error(e);
    return 0;
  }
  return ctx.resolve_thread(has_thread ? &id : nullptr);
}

}  // namespace

// Packet:  g[;thread:<tid>;]
// Reply:   the whole register image in target.xml order, hex; unknown registers as "xx" bytes.
// Clients: gdb (after attach), lldb (rarely).
// gdb drops the connection when the PC is unavailable, so an unknown PC (a thread that kept
// running while we looked) is sent as 0: gdb then shows frame #0 at 0x0, visibly not real.
// lldb 19 decodes "xx" as 0xcc bytes and then misreads even the known registers after them,
// so lldb gets E07 here and takes PCs from stop replies (thread-pcs, qThreadStopInfo) and single
// registers from `p`.
void read_registers(Context& ctx, std::string_view args) {
  if (ctx.state.client_is_lldb && ctx.config.no_stop)
    return ctx.error(ErrorCode::not_in_this_mode);
  const int tid = thread_for(ctx, args);
  if (tid == 0) return;
  auto regs = ctx.process.registers(tid);
  if (!regs) return ctx.error(regs.error());
  if (!regs->valid.test(reg::rip)) {
    regs->set_u64(reg::rip, 0);
  }
  for (int r = 0; r < reg::reg_count; ++r) {
    if (regs->valid.test(r)) {
      ctx.reply.put_hex(regs->bytes(r));
    } else {
      for (std::size_t i = 0; i < reg::reg_size(r); ++i) ctx.reply.put("xx");
    }
  }
}

// Packet:  p<regnum>[;thread:<tid>;]
// Reply:   the register's bytes in hex; E07 when its value is unknown in --no-stop mode
//          (lldb would decode "xx" as 0xcc bytes), E09 for a register number we do not have.
// Clients: lldb (always), gdb (rarely).
void read_register(Context& ctx, std::string_view args) {
  protocol::RegisterRead req;
  if (auto e = protocol::parse_register_read(args, req); e != ErrorCode::none)
    return ctx.error(e);
  if (req.regnum >= static_cast<std::uint64_t>(reg::reg_count))
    return ctx.error(ErrorCode::not_found);
  const int tid = ctx.resolve_thread(req.has_thread ? &req.thread : nullptr);
  if (tid == 0) return;
  auto regs = ctx.process.registers(tid);
  if (!regs) return ctx.error(regs.error());
  const int r = static_cast<int>(req.regnum);
  if (!regs->valid.test(r)) return ctx.error(ErrorCode::not_in_this_mode);
  ctx.reply.put_hex(regs->bytes(r));
}

namespace {

// Why a register write is refused in this mode, or none: E0c with --read-only, E07 without a
// controlled process (--no-stop: registers of a running thread cannot be written).
ErrorCode register_write_refusal(Context& ctx) {
  if (ctx.config.read_only) return ErrorCode::read_only;
  if (ctx.debuggee() == nullptr) return ctx.missing_debuggee();
  return ErrorCode::none;
}

void write_into_thread(Context& ctx, int tid, const reg::Registers& regs) {
  if (auto e = ctx.debuggee()->write_registers(tid, regs); e != platform::Error::none)
    return ctx.error(e);
  ctx.ok();
}

}  // namespace

// Packet:  G<hex register image>[;thread:<tid>;]
// Reply:   OK; E01 if the image is not whole registers of hex; E07 in --no-stop mode, E0c with
//          --read-only. An image shorter than the full one writes the registers it covers.
// Clients: gdb (after changing several registers, e.g. returning from a called function).
void write_registers(Context& ctx, std::string_view args) {
  if (auto e = register_write_refusal(ctx); e != ErrorCode::none) return ctx.error(e);
  const int tid = thread_for(ctx, args);
  if (tid == 0) return;
  if (args.empty() || args.size() % 2 != 0 || args.size() / 2 > reg::g_image_size)
    return ctx.error(ErrorCode::malformed);
  reg::Registers regs;
  const std::size_t n = args.size() / 2;
  if (!protocol::decode_hex(args, std::span(regs.image).first(n)))
    return ctx.error(ErrorCode::malformed);
  for (int r = 0; r < reg::reg_count; ++r)
    if (reg::reg_offset(r) + reg::reg_size(r) <= n) regs.valid.set(r);
  if (regs.valid.none()) return ctx.error(ErrorCode::malformed);
  write_into_thread(ctx, tid, regs);
}

// Packet:  P<regnum>=<hex value>[;thread:<tid>;]
// Reply:   OK; E09 for a register number we do not have, E01 if the value is not exactly the
//          register's size; E07 in --no-stop mode, E0c with --read-only.
// Clients: gdb (set $reg), lldb (register write; also to move the PC).
void write_register(Context& ctx, std::string_view args) {
  if (auto e = register_write_refusal(ctx); e != ErrorCode::none) return ctx.error(e);
  protocol::RegisterWrite req;
  if (auto e = protocol::parse_register_write(args, req); e != ErrorCode::none)
    return ctx.error(e);
  if (req.regnum >= static_cast<std::uint64_t>(reg::reg_count))
    return ctx.error(ErrorCode::not_found);
  const int r = static_cast<int>(req.regnum);
  if (req.value_hex.size() != 2 * reg::reg_size(r)) return ctx.error(ErrorCode::malformed);
  const int tid = ctx.resolve_thread(req.has_thread ? &req.thread : nullptr);
  if (tid == 0) return;
  reg::Registers regs;
  if (!protocol::decode_hex(req.value_hex, regs.bytes(r))) return ctx.error(ErrorCode::malformed);
  regs.valid.set(r);
  write_into_thread(ctx, tid, regs);
}

}  // namespace rspstub::stub::handlers
