// qXfer reads: target description, auxiliary vector, executable path, thread list, siginfo,
// shared libraries (SVR4 list on Linux, DLL list on Windows).
#include <algorithm>
#include <string>

#include "platform/host.hpp"
#include "platform/svr4_libraries.hpp"
#include "stub/handlers.hpp"
#include "stub/library_list_xml.hpp"
#include "stub/target_xml.hpp"
#include "stub/xml_text.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;

// Serves [offset, offset+length) of `object`: `m<data>` when more follows, `l<data>` at the end.
// Chunks are capped at half the PacketSize so that even fully escaped binary stays in bounds.
void put_chunk(Context& ctx, std::span<const std::byte> object, const protocol::XferRead& req) {
  if (req.offset > object.size()) return ctx.error(ErrorCode::invalid_argument);
  const std::size_t rest = object.size() - static_cast<std::size_t>(req.offset);
  const std::size_t n = std::min<std::uint64_t>({rest, req.length, ctx.config.packet_size / 2});
  ctx.reply.put(n < rest ? 'm' : 'l');
  ctx.reply.put_binary(object.subspan(static_cast<std::size_t>(req.offset), n));
}

void put_chunk(Context& ctx, std::string_view text, const protocol::XferRead& req) {
  put_chunk(ctx, std::as_bytes(std::span(text.data(), text.size())), req);
}

void xfer_threads(Context& ctx, const protocol::XferRead& req) {
  auto threads = ctx.process.threads();
  if (!threads) return ctx.error(threads.error());
  std::string xml = "<?xml version=\"1.0\"?>\n<threads>\n";
  for (int tid : *threads) {
    xml += "  <thread id=\"";
    if (ctx.state.multiprocess) xml += "p" + hex_number(ctx.process.pid()) + ".";
    xml += hex_number(static_cast<std::uint64_t>(tid));
    xml += '"';
    if (auto name = ctx.process.thread_name(tid)) {
      xml += " name=\"";
      append_xml_escaped(xml, *name);
      xml += '"';
    }
    xml += "/>\n";
  }
  xml += "</threads>\n";
  put_chunk(ctx, xml, req);
}

void xfer_exec_file(Context& ctx, const protocol::XferRead& req) {
  if (!req.annex.empty()) {
    std::uint64_t pid = 0;
    if (auto e = protocol::parse_hex_field(req.annex, pid); e != ErrorCode::none)
      return ctx.error(e);
    if (pid != static_cast<std::uint64_t>(ctx.process.pid())) return ctx.error(ErrorCode::not_found);
  }
  auto path = ctx.process.executable_path();
  if (!path) return ctx.error(path.error());
  put_chunk(ctx, *path, req);
}

// The siginfo of the thread that reported the last stop (the Hg thread if it is another).
void xfer_siginfo(Context& ctx, const protocol::XferRead& req) {
  if (!req.annex.empty()) return ctx.error(ErrorCode::not_found);
  const auto& last = ctx.target.last_stop();
  int tid = ctx.state.general_thread > 0 ? static_cast<int>(ctx.state.general_thread) : 0;
  if (tid == 0 && last && last->kind == platform::StopEvent::Kind::stopped) tid = last->tid;
  if (tid == 0) tid = ctx.resolve_thread(nullptr);
  if (tid == 0) return;
  auto info = ctx.debuggee()->siginfo(tid);
  if (!info) return ctx.error(info.error());
  put_chunk(ctx, std::span<const std::byte>(*info), req);
}

// <library-list-svr4 version="1.0" main-lm="0x..."><library name=... lm=... l_addr=...
// l_ld=... lmid=.../>...</library-list-svr4> ("Library List Format for SVR4 Targets" in the GDB
// manual). The main program's own entry is not listed (gdb knows it from the executable).
// main-lm only once the dynamic linker has set up its list (before that the list is empty), and
// not for lldb: lldb 19 takes main-lm for the address of a pointer to r_debug, reads garbage
// there and gives up on the libraries; without it lldb finds r_debug through DT_DEBUG itself, as
// with lldb-server, which omits main-lm too. lmid (the r_debug address of the namespace) is
// required by Debian's gdb 13, which otherwise rejects the whole list; lldb 19 ignores it.
std::string libraries_svr4_xml(const platform::Svr4LibraryList& list, bool with_main_lm) {
  std::string xml = "<library-list-svr4 version=\"1.0\"";
  if (with_main_lm && list.main_lm != 0) xml += " main-lm=\"0x" + hex_number(list.main_lm) + "\"";
  xml += '>';
  for (const auto& lib : list.libraries) {
    xml += "<library name=\"";
    append_xml_escaped(xml, lib.name);
    xml += "\" lm=\"0x" + hex_number(lib.lm) + "\" l_addr=\"0x" + hex_number(lib.l_addr) +
           "\" l_ld=\"0x" + hex_number(lib.l_ld) + "\" lmid=\"0x" + hex_number(list.r_debug) +
           "\"/>";
  }
  xml += "</library-list-svr4>";
  return xml;
}

// The list is read afresh for a request at offset 0 and kept for the requests that page out
// the rest, so that a list changing in between (the process runs on) never mixes two versions.
void xfer_libraries_svr4(Context& ctx, const protocol::XferRead& req) {
  // gdb's augmented form (annex start=...;prev=...) is not advertised, so not served.
  if (!req.annex.empty()) return ctx.error(ErrorCode::not_found);
  std::string& xml = ctx.state.libraries_xml;
  if (req.offset == 0 || xml.empty()) {
    auto list = platform::read_svr4_libraries(ctx.process);
    // not_supported: the process is not a 64-bit ELF program (or the backend has no auxv), so
    // there is no such list to read: E09, not E07 (which would blame --no-stop).
    if (!list && list.error() == platform::Error::not_supported)
      return ctx.error(ErrorCode::not_found);
    if (!list) return ctx.error(list.error());
    if (!list->complete)
      ctx.log.log(LogLevel::warn, "shared library list incomplete: " + list->problem);
    else if (!list->problem.empty() && ctx.log.enabled(LogLevel::debug))
      ctx.log.log(LogLevel::debug, "shared library list empty: " + list->problem);
    xml = libraries_svr4_xml(*list, !ctx.state.client_is_lldb);
  }
  put_chunk(ctx, xml, req);
}

// The DLL list (Windows), read afresh at offset 0 and paged out from that snapshot, as above.
// Backends that list no modules (Linux) answer as for an unknown object: an empty reply.
void xfer_libraries(Context& ctx, const protocol::XferRead& req) {
  if (!ctx.process.lists_loaded_modules()) return;
  if (!req.annex.empty()) return ctx.error(ErrorCode::not_found);
  std::string& xml = ctx.state.dll_list_xml;
  if (req.offset == 0 || xml.empty()) {
    auto modules = ctx.process.loaded_modules();
    if (!modules) return ctx.error(modules.error());
    xml = library_list_xml(*modules);
  }
  put_chunk(ctx, xml, req);
}

}  // namespace

// Packet:  qXfer:<object>:read:<annex>:<offset>,<length>
// Reply:   m<data> (more follows) / l<data> (last), binary escaped; E NN on failure; empty for
//          an object we do not serve.
// Objects: features (annex target.xml; gdb and lldb), auxv (essential for PIE: both clients),
//          exec-file (annex pid; gdb), threads (gdb), siginfo (the stopped thread's siginfo_t,
//          with a controlled process; gdb's $_siginfo, lldb's thread siginfo),
//          libraries-svr4 (no annex; gdb and lldb: the shared libraries, so that
//          `info sharedlibrary` / `image list` work), libraries (no annex; gdb for Windows:
//          the DLLs, served only by backends that list modules).
void xfer_read(Context& ctx, std::string_view args) {
  protocol::XferRead req;
  if (auto e = protocol::parse_xfer_read(args, req); e != ErrorCode::none) {
    // A write or another operation on an object: not supported (empty reply).
    if (args.find(":read:") == std::string_view::npos) return;
    return ctx.error(e);
  }
  if (req.object == "features") {
    if (req.annex != "target.xml") return ctx.error(ErrorCode::not_found);
    // The OS ABI is the host's: the stub serves processes of the machine it runs on.
    static const std::string xml = x86_64_target_xml(platform::host_info().gdb_osabi);
    return put_chunk(ctx, std::string_view(xml), req);
  }
  if (req.object == "auxv") {
    auto auxv = ctx.process.auxv();
    if (!auxv) return ctx.error(auxv.error());
    return put_chunk(ctx, std::span<const std::byte>(*auxv), req);
  }
  if (req.object == "exec-file") return xfer_exec_file(ctx, req);
  if (req.object == "threads") return xfer_threads(ctx, req);
  if (req.object == "siginfo" && ctx.debuggee() != nullptr) return xfer_siginfo(ctx, req);
  if (req.object == "libraries-svr4") return xfer_libraries_svr4(ctx, req);
  if (req.object == "libraries") return xfer_libraries(ctx, req);
  // Unknown object: empty reply (not supported).
}

}  // namespace rspstub::stub::handlers
