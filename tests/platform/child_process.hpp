// A child process for the Linux backend tests: forked from the test itself, it sets up memory
// with known contents, starts two extra threads, reports its layout through a pipe, then keeps
// incrementing a counter once a millisecond (sleeping in nanosleep in between) until killed.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>

namespace rspstub::test {

// Where things are in the child. Pages are 4 KiB.
struct ChildLayout {
  std::uint64_t pattern = 0;    // 2 pages rw-, filled with pattern_byte
  std::uint64_t straddle = 0;   // 1 page rw- (pattern), the page after it unmapped
  std::uint64_t protnone = 0;   // 1 page ---, filled with pattern_byte before mprotect
  std::uint64_t counter = 0;    // a std::uint64_t the child increments every millisecond
  int worker_tids[2] = {0, 0};  // the extra threads, named "worker1" and "worker2"
  char exe[512] = {};           // the child's /proc/self/exe
  char comm[32] = {};           // the child's /proc/self/comm, without newline
};

inline constexpr std::size_t kPage = 4096;

// The byte the child stores at an address of its pattern pages.
inline std::byte pattern_byte(std::uint64_t addr) {
  return static_cast<std::byte>((addr * 7 + (addr >> 8) + 0x5a) & 0xff);
}

// Owns the child: the destructor kills it (by its pid) and reaps it.
class Child {
 public:
  Child();  // throws std::runtime_error if the child cannot be started
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  const ChildLayout& layout() const { return layout_; }
  // SIGKILL and waitpid: afterwards the pid names no process (until the kernel reuses it).
  void kill_and_reap();

 private:
  pid_t pid_ = -1;
  ChildLayout layout_;
};

}  // namespace rspstub::test
