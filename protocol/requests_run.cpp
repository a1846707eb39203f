#include "protocol/requests_run.hpp"

#include "protocol/hex.hpp"

namespace rspstub::protocol {
namespace {

// A signal number: one or two hex digits (gdb sends two).
bool signal_field(std::string_view text, int& out) noexcept {
  if (text.empty() || text.size() > 2) return false;
  const auto v = parse_hex_u64(text);
  if (!v) return false;
  out = static_cast<int>(*v);
  return true;
}

}  // namespace

ErrorCode parse_vcont(std::string_view args, std::vector<VContAction>& out) {
  out.clear();
  if (args.empty()) return ErrorCode::malformed;
  while (true) {
    const auto semi = args.find(';');
    std::string_view item = args.substr(0, semi);
    if (item.empty()) return ErrorCode::malformed;
    if (out.size() == kMaxVContActions) return ErrorCode::too_large;
    VContAction a;
    std::string_view thread;
    if (const auto colon = item.find(':'); colon != std::string_view::npos) {
      thread = item.substr(colon + 1);
      item = item.substr(0, colon);
      a.has_thread = true;
      if (auto e = parse_thread_id(thread, a.thread); e != ErrorCode::none) return e;
    }
    const char op = item.front();
    item.remove_prefix(1);
    switch (op) {
      case 'c': a.op = VContAction::Op::cont; break;
      case 's': a.op = VContAction::Op::step; break;
      case 't': a.op = VContAction::Op::stop; break;
      case 'C': a.op = VContAction::Op::cont; break;
      case 'S': a.op = VContAction::Op::step; break;
      default: return ErrorCode::malformed;
    }
    if (op == 'C' || op == 'S') {
      if (!signal_field(item, a.signal)) return ErrorCode::malformed;
    } else if (!item.empty()) {
      return ErrorCode::malformed;
    }
    out.push_back(a);
    if (semi == std::string_view::npos) return ErrorCode::none;
    args.remove_prefix(semi + 1);
    if (args.empty()) return ErrorCode::malformed;  // a trailing ';' names no action
  }
}

ErrorCode parse_legacy_resume(std::string_view args, bool with_signal, LegacyResume& out) noexcept {
  out = LegacyResume{};
  std::string_view addr = args;
  if (with_signal) {
    const auto semi = args.find(';');
    if (!signal_field(args.substr(0, semi), out.signal)) return ErrorCode::malformed;
    addr = semi == std::string_view::npos ? std::string_view{} : args.substr(semi + 1);
    if (semi != std::string_view::npos && addr.empty()) return ErrorCode::malformed;
  }
  if (addr.empty()) return ErrorCode::none;
  const auto v = parse_hex_u64(addr);
  if (!v) return ErrorCode::malformed;
  out.has_addr = true;
  out.addr = *v;
  return ErrorCode::none;
}

ErrorCode parse_register_write(std::string_view args, RegisterWrite& out) noexcept {
  out = RegisterWrite{};
  if (auto e = split_thread_suffix(args, out.has_thread, out.thread); e != ErrorCode::none)
    return e;
  const auto eq = args.find('=');
  if (eq == std::string_view::npos) return ErrorCode::malformed;
  const auto regnum = parse_hex_u64(args.substr(0, eq));
  if (!regnum) return ErrorCode::malformed;
  out.regnum = *regnum;
  out.value_hex = args.substr(eq + 1);
  if (out.value_hex.empty() || out.value_hex.size() % 2 != 0) return ErrorCode::malformed;
  return ErrorCode::none;
}

ErrorCode parse_signal_list(std::string_view args, std::vector<int>& out) {
  out.clear();
  while (!args.empty()) {
    const auto semi = args.find(';');
    const std::string_view item = args.substr(0, semi);
    const auto v = parse_hex_u64(item);
    if (!v || *v > 0xff) return ErrorCode::malformed;  // gdb's signal numbers stay below 256
    out.push_back(static_cast<int>(*v));
    if (semi == std::string_view::npos) break;
    args.remove_prefix(semi + 1);
  }
  return ErrorCode::none;
}

ErrorCode parse_detach(std::string_view args, DetachRequest& out) noexcept {
  out = DetachRequest{};
  if (args.empty()) return ErrorCode::none;
  if (args.front() != ';') return ErrorCode::malformed;
  const auto pid = parse_hex_u64(args.substr(1));
  if (!pid) return ErrorCode::malformed;
  out.has_pid = true;
  out.pid = *pid;
  return ErrorCode::none;
}

}  // namespace rspstub::protocol
