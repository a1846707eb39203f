#include "platform/linux/proc_maps.hpp"

#include <charconv>
#include <cstdint>

namespace rspstub::platform::linux_backend {
namespace {

// Consumes a hex number from the front of `s`.
bool take_hex(std::string_view& s, std::uint64_t& v) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 16);
  if (ec != std::errc{} || end == s.data()) return false;
  s.remove_prefix(static_cast<std::size_t>(end - s.data()));
  return true;
}

bool take_char(std::string_view& s, char c) {
  if (s.empty() || s.front() != c) return false;
  s.remove_prefix(1);
  return true;
}

// Consumes a field up to the next space (which is consumed too).
bool take_field(std::string_view& s, std::string_view& field) {
  const std::size_t space = s.find(' ');
  if (space == 0 || space == std::string_view::npos) return false;
  field = s.substr(0, space);
  s.remove_prefix(space + 1);
  return true;
}

// "start-end perms offset dev inode [path]"; the path may contain spaces.
std::optional<MemoryRegion> parse_line(std::string_view line) {
  MemoryRegion r;
  r.mapped = true;
  std::string_view perms, offset, dev, inode;
  if (!take_hex(line, r.start) || !take_char(line, '-') || !take_hex(line, r.end) ||
      !take_char(line, ' ') || !take_field(line, perms) || !take_field(line, offset) ||
      !take_field(line, dev)) {
    return std::nullopt;
  }
  // The inode is the last fixed column; a line without a path may end right after it.
  const std::size_t inode_end = line.find(' ');
  inode = line.substr(0, inode_end);
  line = inode_end == std::string_view::npos ? std::string_view{} : line.substr(inode_end);
  if (perms.size() != 4 || inode.empty() || r.end <= r.start) return std::nullopt;
  r.readable = perms[0] == 'r';
  r.writable = perms[1] == 'w';
  r.executable = perms[2] == 'x';
  // The path column is padded with spaces for alignment; spaces inside a path are kept.
  const std::size_t path_start = line.find_first_not_of(' ');
  if (path_start != std::string_view::npos) r.name = std::string(line.substr(path_start));
  return r;
}

}  // namespace

std::optional<std::vector<MemoryRegion>> parse_maps(std::string_view text) {
  std::vector<MemoryRegion> regions;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (line.empty()) continue;
    auto region = parse_line(line);
    if (!region) return std::nullopt;
    regions.push_back(std::move(*region));
  }
  return regions;
}

}  // namespace rspstub::platform::linux_backend
