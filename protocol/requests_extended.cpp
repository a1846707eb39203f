#include "protocol/requests_extended.hpp"

#include "protocol/hex.hpp"

namespace rspstub::protocol {

ErrorCode decode_hex_text(std::string_view hex, std::string& out) {
  out.clear();
  if (hex.size() % 2 != 0) return ErrorCode::malformed;
  out.reserve(hex.size() / 2);
  for (std::size_t i = 0; i < hex.size(); i += 2) {
    const int hi = hex_value(hex[i]);
    const int lo = hex_value(hex[i + 1]);
    if (hi < 0 || lo < 0) return ErrorCode::malformed;
    out.push_back(static_cast<char>(hi * 16 + lo));
  }
  return ErrorCode::none;
}

ErrorCode parse_vrun(std::string_view args, std::vector<std::string>& out) {
  out.clear();
  for (;;) {
    const std::size_t semi = args.find(';');
    std::string field;
    if (auto e = decode_hex_text(args.substr(0, semi), field); e != ErrorCode::none) return e;
    out.push_back(std::move(field));
    if (semi == std::string_view::npos) return ErrorCode::none;
    args.remove_prefix(semi + 1);
  }
}

ErrorCode parse_flag(std::string_view args, bool& out) noexcept {
  if (args == "0" || args == "1") {
    out = args == "1";
    return ErrorCode::none;
  }
  return ErrorCode::malformed;
}

ErrorCode check_environment_assignment(std::string_view text) noexcept {
  const std::size_t eq = text.find('=');
  if (eq == std::string_view::npos || eq == 0) return ErrorCode::invalid_argument;
  return ErrorCode::none;
}

}  // namespace rspstub::protocol
