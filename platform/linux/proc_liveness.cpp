#include "platform/linux/proc_liveness.hpp"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace rspstub::platform::linux_backend {

char state_from_stat(std::string_view stat) noexcept {
  const std::size_t paren = stat.rfind(')');
  if (paren == std::string_view::npos || paren + 2 >= stat.size() || stat[paren + 1] != ' ')
    return 0;
  return stat[paren + 2];
}

bool process_exists(int pid) noexcept {
  if (pid <= 0) return false;
  if (::kill(pid, 0) != 0 && errno == ESRCH) return false;
  char path[32];
  std::snprintf(path, sizeof path, "/proc/%d/stat", pid);
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno != ENOENT && errno != ESRCH;
  // comm is at most 16 bytes, so the state is well within the first 128 bytes.
  char buf[128];
  ssize_t n;
  do {
    n = ::read(fd, buf, sizeof buf);
  } while (n < 0 && errno == EINTR);
  ::close(fd);
  if (n <= 0) return n < 0 && errno != ESRCH;
  const char state = state_from_stat(std::string_view(buf, static_cast<std::size_t>(n)));
  return state != 'Z' && state != 'X';
}

}  // namespace rspstub::platform::linux_backend
