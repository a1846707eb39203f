// HostFiles on Windows (gdb's vFile reads of the executable and DLLs): CreateFileW for reading
// with every sharing mode (the debuggee's own image stays open meanwhile), ReadFile at an
// offset, GetFileInformationByHandle for fstat. Only disk files and directories are opened:
// pipes, consoles and devices are refused before any read. There is no per-process root on
// Windows, so every process sees the stub's view.
#include <windows.h>

#include <array>
#include <limits>

#include "platform/host_files.hpp"
#include "platform/windows/unique_handle.hpp"
#include "platform/windows/wide_text.hpp"

namespace rspstub::platform {
namespace {

using windows_backend::UniqueHandle;

FileError file_error(DWORD code) noexcept {
  switch (code) {
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
    case ERROR_INVALID_DRIVE:
    case ERROR_BAD_NETPATH: return FileError::no_entry;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
    case ERROR_LOCK_VIOLATION: return FileError::access_denied;
    case ERROR_INVALID_NAME:
    case ERROR_INVALID_PARAMETER: return FileError::invalid_argument;
    case ERROR_FILENAME_EXCED_RANGE: return FileError::name_too_long;
    case ERROR_TOO_MANY_OPEN_FILES: return FileError::too_many_open_system;
    case ERROR_DIRECTORY: return FileError::not_directory;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY: return FileError::no_space;
    default: return FileError::unknown;
  }
}

std::uint64_t join(DWORD high, DWORD low) noexcept {
  return (std::uint64_t{high} << 32) | low;
}

// FILETIME (100 ns ticks since 1601) -> seconds since 1970.
std::int64_t unix_seconds(const FILETIME& t) noexcept {
  const std::uint64_t ticks = join(t.dwHighDateTime, t.dwLowDateTime);
  return static_cast<std::int64_t>(ticks / 10'000'000ULL) - 11'644'473'600LL;
}

}  // namespace

struct HostFiles::Impl {
  std::array<UniqueHandle, kMaxOpen> files;

  UniqueHandle* find(int handle) noexcept {
    if (handle < 0 || handle >= kMaxOpen || !files[static_cast<std::size_t>(handle)].valid())
      return nullptr;
    return &files[static_cast<std::size_t>(handle)];
  }
};

HostFiles::HostFiles() : impl_(std::make_unique<Impl>()) {}
HostFiles::~HostFiles() = default;
HostFiles::HostFiles(HostFiles&&) noexcept = default;
HostFiles& HostFiles::operator=(HostFiles&&) noexcept = default;

FileError HostFiles::set_filesystem(int pid) {
  if (pid < 0) return FileError::invalid_argument;
  if (pid > 0) {
    UniqueHandle p(::OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, static_cast<DWORD>(pid)));
    if (!p.valid()) return FileError::no_entry;
  }
  fs_pid_ = pid;
  return FileError::none;
}

FileResult<int> HostFiles::open_read_only(std::string_view path) {
  if (path.empty() || path.find('\0') != std::string_view::npos) return FileError::invalid_argument;
  if (path.size() > kMaxPath) return FileError::name_too_long;
  int slot = -1;
  for (int i = 0; i < kMaxOpen && slot < 0; ++i)
    if (!impl_->files[static_cast<std::size_t>(i)].valid()) slot = i;
  if (slot < 0) return FileError::too_many_open;
  const std::wstring wide = windows_backend::wide_from_utf8(path);
  if (wide.empty()) return FileError::invalid_argument;
  // BACKUP_SEMANTICS: directories open too (as on POSIX).
  UniqueHandle h(::CreateFileW(wide.c_str(), GENERIC_READ,
                               FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE, nullptr,
                               OPEN_EXISTING, FILE_FLAG_BACKUP_SEMANTICS, nullptr));
  if (!h.valid()) return file_error(::GetLastError());
  if (::GetFileType(h.get()) != FILE_TYPE_DISK) return FileError::access_denied;
  impl_->files[static_cast<std::size_t>(slot)] = std::move(h);
  return slot;
}

FileResult<std::size_t> HostFiles::pread(int handle, std::span<std::byte> out,
                                         std::uint64_t offset) {
  UniqueHandle* f = impl_->find(handle);
  if (f == nullptr) return FileError::bad_handle;
  if (out.empty()) return std::size_t{0};
  OVERLAPPED at{};
  at.Offset = static_cast<DWORD>(offset);
  at.OffsetHigh = static_cast<DWORD>(offset >> 32);
  const DWORD want = static_cast<DWORD>(
      std::min<std::size_t>(out.size(), std::numeric_limits<DWORD>::max()));
  DWORD got = 0;
  if (!::ReadFile(f->get(), out.data(), want, &got, &at)) {
    const DWORD code = ::GetLastError();
    if (code == ERROR_HANDLE_EOF) return std::size_t{0};
    if (code == ERROR_INVALID_FUNCTION) return FileError::is_directory;  // a directory handle
    return file_error(code);
  }
  return static_cast<std::size_t>(got);
}

FileResult<FileStat> HostFiles::fstat(int handle) {
  UniqueHandle* f = impl_->find(handle);
  if (f == nullptr) return FileError::bad_handle;
  BY_HANDLE_FILE_INFORMATION info{};
  if (!::GetFileInformationByHandle(f->get(), &info)) return file_error(::GetLastError());
  FileStat st;
  st.device = info.dwVolumeSerialNumber;
  st.inode = join(info.nFileIndexHigh, info.nFileIndexLow);
  const bool dir = (info.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;
  const bool read_only = (info.dwFileAttributes & FILE_ATTRIBUTE_READONLY) != 0;
  // POSIX type and permission bits, as gdb expects them.
  st.mode = (dir ? 0040000U : 0100000U) | (read_only ? 0444U : 0644U) | (dir ? 0111U : 0U);
  st.links = info.nNumberOfLinks;
  st.size = join(info.nFileSizeHigh, info.nFileSizeLow);
  st.block_size = 4096;
  st.blocks = (st.size + 511) / 512;
  st.atime = unix_seconds(info.ftLastAccessTime);
  st.mtime = unix_seconds(info.ftLastWriteTime);
  st.ctime = unix_seconds(info.ftCreationTime);
  return st;
}

FileError HostFiles::close(int handle) {
  UniqueHandle* f = impl_->find(handle);
  if (f == nullptr) return FileError::bad_handle;
  f->reset();
  return FileError::none;
}

// Windows symbolic links are rare and not what gdb asks about (it reads /proc/PID/exe-like
// links on Linux only): every path reads as "not a link".
FileResult<std::string> HostFiles::readlink(std::string_view path) {
  if (path.empty()) return FileError::invalid_argument;
  if (path.size() > kMaxPath) return FileError::name_too_long;
  return FileError::invalid_argument;
}

}  // namespace rspstub::platform
