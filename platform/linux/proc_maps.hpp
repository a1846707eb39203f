// Parsing /proc/PID/maps.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "platform/process.hpp"

namespace rspstub::platform::linux_backend {

// Pure. One MemoryRegion (mapped = true) per line, in file order (the kernel sorts by address).
// `name` is the path column as the kernel prints it, e.g. "/usr/lib/x.so", "[heap]",
// "/tmp/a b (deleted)"; empty for anonymous mappings. nullopt if a line is malformed.
std::optional<std::vector<MemoryRegion>> parse_maps(std::string_view text);

}  // namespace rspstub::platform::linux_backend
