#include "platform/linux/proc_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "platform/linux/unique_fd.hpp"

namespace rspstub::platform::linux_backend {

int read_whole_file(const std::string& path, std::string& out) {
  out.clear();
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return errno;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      return 0;
    } else if (errno != EINTR) {
      return errno;
    }
  }
}

int list_directory(const std::string& path, std::vector<std::string>& names) {
  names.clear();
  DIR* dir = ::opendir(path.c_str());
  if (dir == nullptr) return errno;
  int err = 0;
  for (;;) {
    errno = 0;
    const dirent* entry = ::readdir(dir);
    if (entry == nullptr) {
      err = errno;  // 0 at the end of the directory
      break;
    }
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    names.emplace_back(entry->d_name);
  }
  ::closedir(dir);
  return err;
}

int read_link(const std::string& path, std::string& out) {
  // readlink does not say how long the target is: grow until it fits with room to spare.
  for (std::size_t size = 256; size <= (1u << 20); size *= 2) {
    out.resize(size);
    const ssize_t n = ::readlink(path.c_str(), out.data(), size);
    if (n < 0) {
      out.clear();
      return errno;
    }
    if (static_cast<std::size_t>(n) < size) {
      out.resize(static_cast<std::size_t>(n));
      return 0;
    }
  }
  out.clear();
  return ENAMETOOLONG;
}

}  // namespace rspstub::platform::linux_backend
