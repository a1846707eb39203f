// rspstub-bench's command line.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bench {

struct Options {
  std::uint64_t size = 256ULL << 20;
  bool quick = false;
  std::vector<std::string> stubs{"rspstub", "gdbserver", "lldb-server"};
  std::string rspstub;  // path of the rspstub executable
  std::string target;   // path of rspstub-bench-target
  int repetitions = 3;
  int small_reads = 20000;
  bool end_to_end = true;
  bool keep_temp = false;
  bool allow_cpu_idle = false;  // leave /dev/cpu_dma_latency alone
};

// Parses argv; throws std::invalid_argument on a bad command line. nullopt: --help was printed.
std::optional<Options> parse_options(int argc, char** argv);

}  // namespace bench
