// The stub's own environment, as "NAME=value" strings: the starting point of the environment a
// client edits for the programs it runs (gdb's QEnvironmentHexEncoded/Unset/Reset).
#pragma once

#include <string>
#include <vector>

namespace rspstub::platform {

std::vector<std::string> host_environment();

}  // namespace rspstub::platform
