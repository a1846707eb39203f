#include "platform/linux/proc_syscall.hpp"

#include <charconv>

namespace rspstub::platform::linux_backend {
namespace {

// Splits off the next space-separated word of `s`.
std::string_view next_word(std::string_view& s) {
  const std::size_t begin = s.find_first_not_of(' ');
  if (begin == std::string_view::npos) {
    s = {};
    return {};
  }
  s.remove_prefix(begin);
  const std::size_t end = s.find(' ');
  const std::string_view word = s.substr(0, end);
  s.remove_prefix(end == std::string_view::npos ? s.size() : end);
  return word;
}

template <class T>
bool parse_number(std::string_view word, T& v, int base) {
  const auto [end, ec] = std::from_chars(word.data(), word.data() + word.size(), v, base);
  return ec == std::errc{} && end == word.data() + word.size();
}

// The kernel prints addresses as 0x-prefixed hex.
bool parse_address(std::string_view word, std::uint64_t& v) {
  if (!word.starts_with("0x")) return false;
  word.remove_prefix(2);
  return !word.empty() && parse_number(word, v, 16);
}

}  // namespace

std::optional<SyscallState> parse_syscall_file(std::string_view text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.remove_suffix(1);
  SyscallState st;
  if (text == "running") return st;

  std::string_view rest = text;
  if (!parse_number(next_word(rest), st.number, 10)) return std::nullopt;
  if (st.number >= 0) {
    st.kind = SyscallState::Kind::in_syscall;
    for (std::uint64_t& a : st.args)
      if (!parse_address(next_word(rest), a)) return std::nullopt;
  } else if (st.number == -1) {
    st.kind = SyscallState::Kind::outside_syscall;
  } else {
    return std::nullopt;
  }
  if (!parse_address(next_word(rest), st.sp) || !parse_address(next_word(rest), st.pc) ||
      !next_word(rest).empty()) {
    return std::nullopt;
  }
  return st;
}

x86_64::Registers registers_from(const SyscallState& state) noexcept {
  x86_64::Registers regs;
  if (state.kind == SyscallState::Kind::running) return regs;
  regs.set_u64(x86_64::rip, state.pc);
  regs.set_u64(x86_64::rsp, state.sp);
  if (state.kind == SyscallState::Kind::in_syscall)
    regs.set_u64(x86_64::orig_rax, static_cast<std::uint64_t>(state.number));
  return regs;
}

}  // namespace rspstub::platform::linux_backend
