// A running Windows program for the Windows backend tests: rspstub_demo_windows (see
// tests/windows/demo_windows.c), started with pipes on its standard input and output. It
// reports its layout ("key value" lines up to "ready"); the test then inspects it while it runs.
#pragma once

#include <windows.h>

#include <cstdint>
#include <map>
#include <string>

namespace rspstub::test {

// The byte the demo stores at offset i of its pattern pages.
inline unsigned char demo_pattern_byte(std::size_t i) {
  return static_cast<unsigned char>((i * 7 + 3) & 0xff);
}

// The demo program's path: the test program's first argument after "--" (set by CMake).
std::string demo_program_path();

// Owns the running demo: the destructor closes its input (it exits), or terminates it.
class WindowsChild {
 public:
  explicit WindowsChild(const std::string& program);  // throws std::runtime_error
  ~WindowsChild();
  WindowsChild(const WindowsChild&) = delete;
  WindowsChild& operator=(const WindowsChild&) = delete;

  int pid() const { return static_cast<int>(pi_.dwProcessId); }
  // A value the demo reported ("pid", "g_counter", "boundary", ...), as a number.
  std::uint64_t value(const std::string& key) const;
  // Terminates it and waits until it has exited. The test keeps its process handle open until
  // close_handle() (an exited process with an open handle still has its pid).
  void terminate();
  void close_handle();

 private:
  PROCESS_INFORMATION pi_{};
  HANDLE stdin_write_ = nullptr;
  std::map<std::string, std::string> values_;
};

}  // namespace rspstub::test
