// Child processes of the benchmark (targets, stubs, real clients), free loopback ports, and
// memory figures from /proc. Every child is killed by its PID: when its owner goes out of
// scope, or by the SIGINT/SIGTERM handler installed by install_cleanup_handlers().
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace bench {

// Kills every live child (by PID) and exits on SIGINT, SIGTERM or SIGHUP.
void install_cleanup_handlers();

class Child {
 public:
  // Starts argv[0] (a path) with stdin from /dev/null and stdout+stderr appended to log_path.
  Child(const std::vector<std::string>& argv, const std::string& log_path);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Waits for the child to exit; nullopt if still running after the timeout (then killed).
  // The value is the exit status as waitpid() reports it.
  std::optional<int> wait(std::chrono::milliseconds timeout);
  void kill();

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

// A loopback port that was free a moment ago (bound to port 0, then released).
std::uint16_t free_loopback_port();

// Polls /proc/net/tcp{,6} until something listens on the port; false if `child` exits first or
// the timeout passes.
bool wait_until_listening(std::uint16_t port, Child& child, std::chrono::milliseconds timeout);

// "/usr/bin/gdb" for "gdb", if an executable of that name is on PATH.
std::optional<std::string> find_in_path(const std::string& name);

std::string read_text_file(const std::string& path);
// The last lines of a log file, for error messages.
std::string tail_of_file(const std::string& path, std::size_t lines = 15);

// A field of /proc/PID/status in KiB (VmRSS, VmHWM), nullopt when unreadable.
std::optional<std::uint64_t> proc_status_kib(pid_t pid, const std::string& field);

// Samples VmRSS of a process every few milliseconds on its own thread, keeping the peak.
class RssSampler {
 public:
  explicit RssSampler(pid_t pid, std::chrono::milliseconds period = std::chrono::milliseconds(5));
  ~RssSampler();
  RssSampler(const RssSampler&) = delete;
  RssSampler& operator=(const RssSampler&) = delete;
  std::uint64_t peak_kib() const { return peak_.load(); }
  std::uint64_t samples() const { return samples_.load(); }

 private:
  void run(pid_t pid, std::chrono::milliseconds period);
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> peak_{0};
  std::atomic<std::uint64_t> samples_{0};
  std::thread thread_;
};

}  // namespace bench
