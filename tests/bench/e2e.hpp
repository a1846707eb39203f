// End to end with the real clients: gdb's `dump binary memory` and lldb's `memory read
// --binary --outfile` of the whole buffer through a stub, timed and verified.
#pragma once

#include <optional>
#include <string>

#include "peers.hpp"

namespace bench {

enum class RealClient { gdb, lldb };
const char* to_string(RealClient client);

// The client's executable, if installed.
std::optional<std::string> find_client(RealClient client);

// Why `client` cannot work with `stub_name` at all (a known incompatibility), or empty.
std::string known_incompatibility(RealClient client, const std::string& stub_name);

struct EndToEnd {
  std::optional<double> seconds;  // wall time of the client, start to exit
  std::string failure;            // why there is no figure
  bool skipped = false;           // not a failure: the client is missing or cannot work here
};

// Runs the client against 127.0.0.1:port to save the whole buffer to a file in workdir, then
// verifies the file. Throws VerifyError on a wrong byte.
EndToEnd run_client(RealClient client, const std::string& exe, std::uint16_t port,
                    const Buffer& buffer, const std::string& workdir, const std::string& stub_name);

}  // namespace bench
