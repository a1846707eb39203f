#include "options.hpp"

#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <stdexcept>

namespace bench {
namespace {

constexpr const char* kUsage = R"(usage: rspstub-bench [options]

Measures rspstub, gdbserver and lldb-server-19 serving one target's memory, plus the machine's
physical limits, and prints one markdown table. Every byte read is verified; a wrong byte is a
hard failure (exit status 1). A stub that is not installed is skipped with a note.

  --size N          buffer size in bytes; suffixes K, M, G (KiB, MiB, GiB). Default 256M
  --quick           smoke test: 8M buffer (unless --size), fewer reads
  --stubs LIST      comma-separated, from rspstub,gdbserver,lldb-server (default: all three)
  --rspstub PATH    the rspstub executable (default: the one this build tree makes)
  --target PATH     the rspstub-bench-target executable (default: next to this program)
  --reps N          runs per throughput figure, the median is shown (default 3)
  --reads N         8-byte reads for the latency figures (default 20000)
  --no-e2e          skip the end-to-end runs of gdb and lldb
  --keep-temp       keep the working directory (logs) after the run
  --allow-cpu-idle  do not hold the CPUs out of deep idle states (by default the run holds a
                    0 us request on /dev/cpu_dma_latency, which it releases when it ends)
  -h, --help        this text
)";

std::uint64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  unsigned long long value = std::stoull(text, &used, 0);
  std::string suffix = text.substr(used);
  if (suffix == "K" || suffix == "k")
    value <<= 10;
  else if (suffix == "M" || suffix == "m")
    value <<= 20;
  else if (suffix == "G" || suffix == "g")
    value <<= 30;
  else if (!suffix.empty())
    throw std::invalid_argument("bad size '" + text + "'");
  if (value < 4096) throw std::invalid_argument("--size must be at least 4096 bytes");
  return value;
}

int parse_count(const std::string& text, const char* option) {
  int value = std::stoi(text);
  if (value < 1) throw std::invalid_argument(std::string(option) + " must be at least 1");
  return value;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> items;
  std::istringstream in(list);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) items.push_back(item);
  return items;
}

[[maybe_unused]] std::string self_directory() {
  char path[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", path, sizeof path - 1);
  if (n <= 0) return ".";
  std::string self(path, static_cast<std::size_t>(n));
  return self.substr(0, self.rfind('/'));
}

std::string default_rspstub() {
#ifdef RSPSTUB_BENCH_DEFAULT_RSPSTUB
  return RSPSTUB_BENCH_DEFAULT_RSPSTUB;
#else
  return self_directory() + "/../../stub/rspstub";  // <build>/tests/bench -> <build>/stub
#endif
}

std::string default_target() {
#ifdef RSPSTUB_BENCH_DEFAULT_TARGET
  return RSPSTUB_BENCH_DEFAULT_TARGET;
#else
  return self_directory() + "/rspstub-bench-target";
#endif
}

}  // namespace

std::optional<Options> parse_options(int argc, char** argv) {
  Options o;
  o.rspstub = default_rspstub();
  o.target = default_target();
  bool size_given = false;
  bool reads_given = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      std::cout << kUsage;
      return std::nullopt;
    } else if (arg == "--size") {
      o.size = parse_size(value());
      size_given = true;
    } else if (arg == "--quick") {
      o.quick = true;
    } else if (arg == "--stubs") {
      o.stubs = split(value());
      for (const auto& name : o.stubs)
        if (name != "rspstub" && name != "gdbserver" && name != "lldb-server")
          throw std::invalid_argument("unknown stub '" + name +
                                      "' (known: rspstub, gdbserver, lldb-server)");
      if (o.stubs.empty()) throw std::invalid_argument("--stubs needs at least one stub");
    } else if (arg == "--rspstub") {
      o.rspstub = value();
    } else if (arg == "--target") {
      o.target = value();
    } else if (arg == "--reps") {
      o.repetitions = parse_count(value(), "--reps");
    } else if (arg == "--reads") {
      o.small_reads = parse_count(value(), "--reads");
      reads_given = true;
    } else if (arg == "--no-e2e") {
      o.end_to_end = false;
    } else if (arg == "--keep-temp") {
      o.keep_temp = true;
    } else if (arg == "--allow-cpu-idle") {
      o.allow_cpu_idle = true;
    } else {
      throw std::invalid_argument("unknown option '" + arg + "' (see --help)");
    }
  }
  if (o.quick) {
    if (!size_given) o.size = 8ULL << 20;
    if (!reads_given) o.small_reads = 2000;
  }
  return o;
}

}  // namespace bench
