#include "protocol/requests.hpp"

#include "protocol/hex.hpp"

namespace rspstub::protocol {
namespace {

// Splits `s` at the first `sep`: head before, `s` becomes what follows. False if absent.
bool split_at(std::string_view& s, char sep, std::string_view& head) noexcept {
  const auto pos = s.find(sep);
  if (pos == std::string_view::npos) return false;
  head = s.substr(0, pos);
  s.remove_prefix(pos + 1);
  return true;
}

bool hex_field(std::string_view f, std::uint64_t& out) noexcept {
  auto v = parse_hex_u64(f);
  if (!v) return false;
  out = *v;
  return true;
}

// A signed thread-id component: "-1" or hex.
bool thread_component(std::string_view f, std::int64_t& out) noexcept {
  if (f == "-1") {
    out = ThreadId::kAll;
    return true;
  }
  std::uint64_t v = 0;
  if (!hex_field(f, v) || v > 0x7fffffffffffffffull) return false;
  out = static_cast<std::int64_t>(v);
  return true;
}

}  // namespace

ErrorCode parse_memory_range(std::string_view args, MemoryRange& out) noexcept {
  std::string_view addr;
  if (!split_at(args, ',', addr)) return ErrorCode::malformed;
  if (!hex_field(addr, out.addr) || !hex_field(args, out.length)) return ErrorCode::malformed;
  if (out.length != 0 && out.addr + (out.length - 1) < out.addr) return ErrorCode::range_overflow;
  return ErrorCode::none;
}

ErrorCode parse_memory_write(std::string_view args, bool binary, MemoryWrite& out) noexcept {
  std::string_view range;
  if (!split_at(args, ':', range)) return ErrorCode::malformed;
  if (auto e = parse_memory_range(range, out.range); e != ErrorCode::none) return e;
  if (!binary && out.range.length > (~0ull >> 1)) return ErrorCode::too_large;
  const std::uint64_t want = binary ? out.range.length : out.range.length * 2;
  if (args.size() != want) return args.size() > want ? ErrorCode::too_large : ErrorCode::malformed;
  out.data = args;
  return ErrorCode::none;
}

ErrorCode parse_thread_id(std::string_view text, ThreadId& out) noexcept {
  out = ThreadId{};
  if (!text.empty() && text.front() == 'p') {
    text.remove_prefix(1);
    std::string_view pid = text;
    std::string_view tid;
    if (const auto dot = text.find('.'); dot != std::string_view::npos) {
      pid = text.substr(0, dot);
      tid = text.substr(dot + 1);
      if (!thread_component(tid, out.tid)) return ErrorCode::malformed;
    } else {
      out.tid = ThreadId::kAll;  // "p<pid>" means all threads of that process
    }
    return thread_component(pid, out.pid) ? ErrorCode::none : ErrorCode::malformed;
  }
  return thread_component(text, out.tid) ? ErrorCode::none : ErrorCode::malformed;
}

ErrorCode parse_set_thread(std::string_view args, SetThread& out) noexcept {
  if (args.empty()) return ErrorCode::malformed;
  out.op = args.front();
  args.remove_prefix(1);
  return parse_thread_id(args, out.thread);
}

ErrorCode split_thread_suffix(std::string_view& args, bool& has_thread, ThreadId& out) noexcept {
  has_thread = false;
  const auto pos = args.find(";thread:");
  if (pos == std::string_view::npos) return ErrorCode::none;
  std::string_view id = args.substr(pos + 8);
  if (!id.empty() && id.back() == ';') id.remove_suffix(1);
  args = args.substr(0, pos);
  has_thread = true;
  return parse_thread_id(id, out);
}

ErrorCode parse_register_read(std::string_view args, RegisterRead& out) noexcept {
  if (auto e = split_thread_suffix(args, out.has_thread, out.thread); e != ErrorCode::none) return e;
  return hex_field(args, out.regnum) ? ErrorCode::none : ErrorCode::malformed;
}

ErrorCode parse_xfer_read(std::string_view args, XferRead& out) noexcept {
  std::string_view op;
  if (!split_at(args, ':', out.object) || !split_at(args, ':', op) || op != "read")
    return ErrorCode::malformed;
  // The annex may itself be empty; offset,length follow the last ':'.
  const auto colon = args.rfind(':');
  if (colon == std::string_view::npos) return ErrorCode::malformed;
  out.annex = args.substr(0, colon);
  std::string_view range = args.substr(colon + 1);
  std::string_view offset;
  if (!split_at(range, ',', offset)) return ErrorCode::malformed;
  if (!hex_field(offset, out.offset) || !hex_field(range, out.length)) return ErrorCode::malformed;
  return ErrorCode::none;
}

ErrorCode parse_breakpoint(std::string_view args, Breakpoint& out) noexcept {
  if (const auto semi = args.find(';'); semi != std::string_view::npos) args = args.substr(0, semi);
  std::string_view type, addr;
  if (!split_at(args, ',', type) || !split_at(args, ',', addr)) return ErrorCode::malformed;
  std::uint64_t t = 0;
  if (type.size() != 1 || !hex_field(type, t) || t > 4) return ErrorCode::malformed;
  out.type = static_cast<int>(t);
  if (!hex_field(addr, out.addr) || !hex_field(args, out.kind)) return ErrorCode::malformed;
  return ErrorCode::none;
}

ErrorCode parse_hex_field(std::string_view args, std::uint64_t& out) noexcept {
  return hex_field(args, out) ? ErrorCode::none : ErrorCode::malformed;
}

ClientFeatures parse_client_features(std::string_view args) noexcept {
  ClientFeatures f;
  while (!args.empty()) {
    std::string_view item;
    if (!split_at(args, ';', item)) {
      item = args;
      args = {};
    }
    if (item == "multiprocess+") f.multiprocess = true;
    else if (item == "swbreak+") f.swbreak = true;
    else if (item == "hwbreak+") f.hwbreak = true;
    else if (item == "error-message+") f.error_message = true;
    else if (item == "binary-upload+") f.binary_upload = true;
    else if (item == "qRelocInsn+") f.qrelocinsn = true;
    else if (item == "vContSupported+") f.vcont_supported = true;
    else if (item.starts_with("xmlRegisters=")) f.xml_registers = true;
  }
  return f;
}

}  // namespace rspstub::protocol
