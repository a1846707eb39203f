// Parsing /proc/PID/status for the fields ProcessInfo needs.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace rspstub::platform::linux_backend {

struct StatusFields {
  int tgid = 0;  // the process (thread group) the pid belongs to
  int parent_pid = 0;
  std::uint32_t real_uid = 0, effective_uid = 0;
  std::uint32_t real_gid = 0, effective_gid = 0;
};

// Pure. Needs the Tgid, PPid, Uid and Gid lines ("Uid:\treal\teffective\tsaved\tfs");
// nullopt if one is missing or malformed.
std::optional<StatusFields> parse_status(std::string_view text);

}  // namespace rspstub::platform::linux_backend
