#include "cpu_latency.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace bench {

CpuLatencyGuard::CpuLatencyGuard() {
  fd_ = ::open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);
  std::int32_t zero = 0;
  if (fd_ >= 0 && ::write(fd_, &zero, sizeof zero) == static_cast<ssize_t>(sizeof zero)) {
    note_ =
        "CPU idle states: wake-up latency held at 0 µs through /dev/cpu_dma_latency during "
        "the run (--allow-cpu-idle to measure without).";
    return;
  }
  note_ = std::string("CPU idle states left alone (/dev/cpu_dma_latency: ") + std::strerror(errno) +
          "): round trips include the CPUs' wake-up latency.";
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

CpuLatencyGuard::~CpuLatencyGuard() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace bench
