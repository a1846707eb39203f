#include "platform/linux/proc_status.hpp"

#include <charconv>

namespace rspstub::platform::linux_backend {
namespace {

// Parses up to `count` whitespace-separated decimal numbers into `out`; true if all were there.
template <class T>
bool parse_numbers(std::string_view s, T* out, int count) {
  for (int i = 0; i < count; ++i) {
    const std::size_t begin = s.find_first_not_of(" \t");
    if (begin == std::string_view::npos) return false;
    s.remove_prefix(begin);
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out[i]);
    if (ec != std::errc{}) return false;
    s.remove_prefix(static_cast<std::size_t>(end - s.data()));
    if (!s.empty() && s.front() != ' ' && s.front() != '\t') return false;
  }
  return true;
}

}  // namespace

std::optional<StatusFields> parse_status(std::string_view text) {
  StatusFields f;
  bool have_tgid = false, have_ppid = false, have_uid = false, have_gid = false;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view key = line.substr(0, colon);
    const std::string_view value = line.substr(colon + 1);
    if (key == "Tgid") {
      if (!parse_numbers(value, &f.tgid, 1)) return std::nullopt;
      have_tgid = true;
    } else if (key == "PPid") {
      if (!parse_numbers(value, &f.parent_pid, 1)) return std::nullopt;
      have_ppid = true;
    } else if (key == "Uid" || key == "Gid") {
      std::uint32_t ids[2];
      if (!parse_numbers(value, ids, 2)) return std::nullopt;
      if (key == "Uid") {
        f.real_uid = ids[0];
        f.effective_uid = ids[1];
        have_uid = true;
      } else {
        f.real_gid = ids[0];
        f.effective_gid = ids[1];
        have_gid = true;
      }
    }
  }
  if (!have_tgid || !have_ppid || !have_uid || !have_gid) return std::nullopt;
  return f;
}

}  // namespace rspstub::platform::linux_backend
