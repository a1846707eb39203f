// HostFiles on Linux: read-only descriptors in a fixed table; a process's filesystem view
// through /proc/PID/root (absolute paths) and /proc/PID/cwd (relative paths).
//
// Absolute paths in a process's view are resolved with openat2(RESOLVE_IN_ROOT), so that
// absolute symbolic links inside the target's root (/lib64/ld-linux-x86-64.so.2 -> /lib/...)
// stay inside it, as they would for the target. Kernels without openat2 (before 5.6) fall back
// to a plain lookup below /proc/PID/root.
//
// Only regular files and directories are opened (devices, FIFOs and sockets get EACCES), and
// always O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC.
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <string>

#include "platform/host_files.hpp"
#include "platform/linux/unique_fd.hpp"

namespace rspstub::platform {
namespace {

using linux_backend::UniqueFd;

FileError file_error_from_errno(int err) noexcept {
  switch (err) {
    case EPERM: return FileError::not_permitted;
    case ENOENT: return FileError::no_entry;
    case ESRCH: return FileError::no_entry;  // /proc/PID of a process that has gone
    case EINTR: return FileError::interrupted;
    case EBADF: return FileError::bad_handle;
    case EACCES: return FileError::access_denied;
    case EFAULT: return FileError::fault;
    case EBUSY: return FileError::busy;
    case EEXIST: return FileError::exists;
    case ENODEV: return FileError::no_device;
    case ENOTDIR: return FileError::not_directory;
    case EISDIR: return FileError::is_directory;
    case EINVAL: return FileError::invalid_argument;
    case ENFILE: return FileError::too_many_open_system;
    case EMFILE: return FileError::too_many_open;
    case EFBIG: return FileError::too_big;
    case ENOSPC: return FileError::no_space;
    case ESPIPE: return FileError::illegal_seek;
    case EROFS: return FileError::read_only_fs;
    case ENAMETOOLONG: return FileError::name_too_long;
    case ELOOP: return FileError::no_entry;  // a symlink loop names no file
    case EXDEV: return FileError::no_entry;  // RESOLVE_IN_ROOT refused an escape
    default: return FileError::unknown;
  }
}

FileError last_error() noexcept { return file_error_from_errno(errno); }

// A path from the wire: not empty, no NUL inside (the OS would cut it there), bounded.
FileError check_path(std::string_view path) noexcept {
  if (path.empty()) return FileError::no_entry;
  if (path.find('\0') != std::string_view::npos) return FileError::invalid_argument;
  if (path.size() > HostFiles::kMaxPath) return FileError::name_too_long;
  return FileError::none;
}

int openat2_in_root(int root_fd, const std::string& path, std::uint64_t flags) noexcept {
#ifdef SYS_openat2
  open_how how{};
  how.flags = flags;
  how.resolve = RESOLVE_IN_ROOT;
  const long fd = ::syscall(SYS_openat2, root_fd, path.c_str(), &how, sizeof how);
  if (fd >= 0 || errno != ENOSYS) return static_cast<int>(fd);
#endif
  // No openat2: look the path up below the root directory (absolute symlinks then resolve in
  // the stub's view, the best this kernel allows).
  std::string relative = path;
  relative.erase(0, relative.find_first_not_of('/'));
  if (relative.empty()) relative = ".";
  return ::openat(root_fd, relative.c_str(), static_cast<int>(flags));
}

}  // namespace

struct HostFiles::Impl {
  std::array<UniqueFd, kMaxOpen> files;
  UniqueFd root;  // the process's root directory; invalid for the stub's own view
  UniqueFd cwd;   // the process's working directory

  // Opens `path` in the current view with `flags` (O_RDONLY or O_PATH based).
  int open_in_view(const std::string& path, int flags) const noexcept {
    if (!root.valid()) return ::openat(AT_FDCWD, path.c_str(), flags);
    if (path.front() == '/') return openat2_in_root(root.get(), path, static_cast<unsigned>(flags));
    return ::openat(cwd.get(), path.c_str(), flags);
  }

  UniqueFd* file(int handle) noexcept {
    if (handle < 0 || handle >= kMaxOpen || !files[handle].valid()) return nullptr;
    return &files[handle];
  }
};

HostFiles::HostFiles() : impl_(std::make_unique<Impl>()) {}
HostFiles::~HostFiles() = default;
HostFiles::HostFiles(HostFiles&&) noexcept = default;
HostFiles& HostFiles::operator=(HostFiles&&) noexcept = default;

FileError HostFiles::set_filesystem(int pid) {
  if (pid < 0) return FileError::invalid_argument;
  if (pid == 0) {
    impl_->root.reset();
    impl_->cwd.reset();
    fs_pid_ = 0;
    return FileError::none;
  }
  const std::string base = "/proc/" + std::to_string(pid);
  UniqueFd root(::open((base + "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return last_error();
  UniqueFd cwd(::open((base + "/cwd").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!cwd.valid()) return last_error();
  impl_->root = std::move(root);
  impl_->cwd = std::move(cwd);
  fs_pid_ = pid;
  return FileError::none;
}

FileResult<int> HostFiles::open_read_only(std::string_view path) {
  if (auto e = check_path(path); e != FileError::none) return e;
  auto& files = impl_->files;
  const auto slot = std::find_if(files.begin(), files.end(), [](auto& f) { return !f.valid(); });
  if (slot == files.end()) return FileError::too_many_open;
  // Look the file up without opening it (O_PATH runs no driver code), and refuse anything but
  // regular files and directories: opening a device can have effects (a watchdog arms itself
  // on open), and a debugger never needs one. Then open that very file for reading.
  UniqueFd found(impl_->open_in_view(std::string(path), O_PATH | O_CLOEXEC));
  if (!found.valid()) return last_error();
  struct stat st {};
  if (::fstat(found.get(), &st) != 0) return last_error();
  if (!S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) return FileError::access_denied;
  const std::string reopen = "/proc/self/fd/" + std::to_string(found.get());
  const int fd = ::open(reopen.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return last_error();
  slot->reset(fd);
  return static_cast<int>(slot - files.begin());
}

FileResult<std::size_t> HostFiles::pread(int handle, std::span<std::byte> out,
                                         std::uint64_t offset) {
  UniqueFd* f = impl_->file(handle);
  if (f == nullptr) return FileError::bad_handle;
  if (offset > static_cast<std::uint64_t>(INT64_MAX)) return FileError::invalid_argument;
  ssize_t n;
  do {
    n = ::pread(f->get(), out.data(), out.size(), static_cast<off_t>(offset));
  } while (n < 0 && errno == EINTR);
  if (n < 0) return last_error();
  return static_cast<std::size_t>(n);
}

FileResult<FileStat> HostFiles::fstat(int handle) {
  UniqueFd* f = impl_->file(handle);
  if (f == nullptr) return FileError::bad_handle;
  struct stat st {};
  if (::fstat(f->get(), &st) != 0) return last_error();
  FileStat out;
  out.device = st.st_dev;
  out.inode = st.st_ino;
  out.mode = st.st_mode;
  out.links = st.st_nlink;
  out.uid = st.st_uid;
  out.gid = st.st_gid;
  out.rdev = st.st_rdev;
  out.size = static_cast<std::uint64_t>(st.st_size);
  out.block_size = static_cast<std::uint64_t>(st.st_blksize);
  out.blocks = static_cast<std::uint64_t>(st.st_blocks);
  out.atime = st.st_atime;
  out.mtime = st.st_mtime;
  out.ctime = st.st_ctime;
  return out;
}

FileError HostFiles::close(int handle) {
  UniqueFd* f = impl_->file(handle);
  if (f == nullptr) return FileError::bad_handle;
  f->reset();
  return FileError::none;
}

FileResult<std::string> HostFiles::readlink(std::string_view path) {
  if (auto e = check_path(path); e != FileError::none) return e;
  const std::string p(path);
  std::string target(kMaxPath + 1, '\0');
  ssize_t n;
  if (impl_->root.valid() && p.front() == '/') {
    // Resolve every component but the last inside the process's root, then read the link.
    UniqueFd link(impl_->open_in_view(p, O_PATH | O_NOFOLLOW | O_CLOEXEC));
    if (!link.valid()) return last_error();
    struct stat st {};
    if (::fstatat(link.get(), "", &st, AT_EMPTY_PATH) != 0) return last_error();
    if (!S_ISLNK(st.st_mode)) return FileError::invalid_argument;  // as readlink(2) says
    n = ::readlinkat(link.get(), "", target.data(), target.size());
  } else {
    n = ::readlinkat(impl_->root.valid() ? impl_->cwd.get() : AT_FDCWD, p.c_str(),
                     target.data(), target.size());
  }
  if (n < 0) return last_error();
  if (static_cast<std::size_t>(n) > kMaxPath) return FileError::name_too_long;
  target.resize(static_cast<std::size_t>(n));
  return target;
}

}  // namespace rspstub::platform
