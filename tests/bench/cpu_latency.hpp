// Keeps the CPUs out of deep idle states while the benchmark runs, by holding a 0 µs request
// on /dev/cpu_dma_latency (PM QoS; released when the file is closed, even if the process dies).
// On a virtual machine whose idle vCPUs halt, every wake-up otherwise costs ~100 µs: that
// would swamp the round trips being measured, for every stub alike.
#pragma once

#include <string>

namespace bench {

class CpuLatencyGuard {
 public:
  CpuLatencyGuard();
  ~CpuLatencyGuard();
  CpuLatencyGuard(const CpuLatencyGuard&) = delete;
  CpuLatencyGuard& operator=(const CpuLatencyGuard&) = delete;

  bool active() const { return fd_ >= 0; }
  // What was done, or why not, for the notes under the table.
  const std::string& note() const { return note_; }

 private:
  int fd_ = -1;
  std::string note_;
};

}  // namespace bench
