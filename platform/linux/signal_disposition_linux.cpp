// signal_disposition() on Linux: the SigCgt/SigIgn masks of /proc/PID/status.
#include <cerrno>
#include <charconv>
#include <string>

#include "platform/linux/errno_map.hpp"
#include "platform/linux/proc_file.hpp"
#include "platform/signal_disposition.hpp"

namespace rspstub::platform {
namespace {

// The value of the "Name:\t<hex>" line, parsed as 64-bit hex.
std::optional<std::uint64_t> hex_field(std::string_view text, std::string_view name) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.starts_with(name) || line.size() <= name.size() || line[name.size()] != ':') continue;
    line.remove_prefix(name.size() + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.size() > 16) return std::nullopt;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(line.data(), line.data() + line.size(), v, 16);
    if (ec != std::errc() || p != line.data() + line.size()) return std::nullopt;
    return v;
  }
  return std::nullopt;
}

}  // namespace

std::optional<SignalDisposition> parse_signal_disposition(std::string_view status_text) {
  const auto caught = hex_field(status_text, "SigCgt");
  const auto ignored = hex_field(status_text, "SigIgn");
  if (!caught || !ignored) return std::nullopt;
  return SignalDisposition{*caught, *ignored};
}

Result<SignalDisposition> signal_disposition(int pid) {
  if (pid <= 0) return Error::invalid_argument;
  std::string text;
  if (int err = linux_backend::read_whole_file("/proc/" + std::to_string(pid) + "/status", text))
    return err == ENOENT ? Error::process_gone : linux_backend::error_from_errno(err);
  if (auto d = parse_signal_disposition(text)) return *d;
  return Error::io_error;
}

}  // namespace rspstub::platform
