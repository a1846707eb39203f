// Read-only access to files on the machine the stub runs on, for the debugger's Host I/O
// (gdb's vFile packets): gdb with its default sysroot `target:` reads the executable and the
// shared libraries through these instead of needing local copies.
//
// One HostFiles per connection: it owns that connection's open files (at most kMaxOpen) and
// closes them all when it is destroyed. Files are opened read-only, always: nothing here can
// create, truncate or write a file.
//
// The filesystem view: by default paths resolve as the stub sees them. After
// set_filesystem(pid) they resolve as process `pid` sees them (its root directory and, for
// relative paths, its working directory): what matters when the target runs in a container.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace rspstub::platform {

// Why a host file operation failed. The set is that of the GDB File-I/O protocol's errno
// values, so the stub can report each one faithfully; the backend maps native codes onto it.
enum class FileError : std::uint8_t {
  none = 0,
  not_permitted,      // EPERM
  no_entry,           // ENOENT
  interrupted,        // EINTR
  bad_handle,         // EBADF: not an open file of this connection
  access_denied,      // EACCES (also: a write or create open, which is never allowed)
  fault,              // EFAULT
  busy,               // EBUSY
  exists,             // EEXIST
  no_device,          // ENODEV
  not_directory,      // ENOTDIR
  is_directory,       // EISDIR
  invalid_argument,   // EINVAL
  too_many_open_system,  // ENFILE
  too_many_open,      // EMFILE: this connection already holds kMaxOpen files
  too_big,            // EFBIG
  no_space,           // ENOSPC
  illegal_seek,       // ESPIPE
  read_only_fs,       // EROFS
  name_too_long,      // ENAMETOOLONG
  unknown,            // anything else
};

std::string_view to_string(FileError e) noexcept;

// A value or a FileError (a small cousin of Result<T>, which carries platform::Error).
template <class T>
class FileResult {
 public:
  FileResult(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  FileResult(FileError e) : v_(e) {}              // NOLINT: implicit by design
  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  FileError error() const noexcept { return ok() ? FileError::none : std::get<1>(v_); }
  T& operator*() { return std::get<0>(v_); }
  const T& operator*() const { return std::get<0>(v_); }
  T* operator->() { return &std::get<0>(v_); }

 private:
  std::variant<T, FileError> v_;
};

// What fstat says about an open file (full width; the stub narrows to the wire's fields).
struct FileStat {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::uint32_t mode = 0;  // POSIX type and permission bits (S_IFREG | 0644, ...)
  std::uint64_t links = 0;
  std::uint32_t uid = 0;
  std::uint32_t gid = 0;
  std::uint64_t rdev = 0;
  std::uint64_t size = 0;
  std::uint64_t block_size = 0;
  std::uint64_t blocks = 0;
  std::int64_t atime = 0;  // seconds since the epoch
  std::int64_t mtime = 0;
  std::int64_t ctime = 0;
};

class HostFiles {
 public:
  static constexpr int kMaxOpen = 64;
  static constexpr std::size_t kMaxPath = 4096;  // longer paths: name_too_long

  HostFiles();
  ~HostFiles();  // closes every file still open
  HostFiles(HostFiles&&) noexcept;  // a moved-from HostFiles may only be destroyed or assigned
  HostFiles& operator=(HostFiles&&) noexcept;
  HostFiles(const HostFiles&) = delete;
  HostFiles& operator=(const HostFiles&) = delete;

  // 0: the stub's own view; otherwise the view of process `pid` (which must exist: no_entry
  // otherwise). Files already open stay open.
  FileError set_filesystem(int pid);
  int filesystem() const noexcept { return fs_pid_; }

  // Opens `path` for reading: a regular file or a directory (anything else: access_denied).
  // Returns a handle (a small non-negative number, not an OS
  // descriptor) for pread/fstat/close.
  FileResult<int> open_read_only(std::string_view path);
  // Reads up to out.size() bytes at `offset`; 0 bytes means end of file.
  FileResult<std::size_t> pread(int handle, std::span<std::byte> out, std::uint64_t offset);
  FileResult<FileStat> fstat(int handle);
  FileError close(int handle);
  // The target of the symbolic link at `path` (at most kMaxPath bytes).
  FileResult<std::string> readlink(std::string_view path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int fs_pid_ = 0;
};

}  // namespace rspstub::platform
