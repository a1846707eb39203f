#include "platform/host_files.hpp"

namespace rspstub::platform {

std::string_view to_string(FileError e) noexcept {
  switch (e) {
    case FileError::none: return "none";
    case FileError::not_permitted: return "operation not permitted";
    case FileError::no_entry: return "no such file or directory";
    case FileError::interrupted: return "interrupted";
    case FileError::bad_handle: return "bad file handle";
    case FileError::access_denied: return "permission denied";
    case FileError::fault: return "bad address";
    case FileError::busy: return "busy";
    case FileError::exists: return "file exists";
    case FileError::no_device: return "no such device";
    case FileError::not_directory: return "not a directory";
    case FileError::is_directory: return "is a directory";
    case FileError::invalid_argument: return "invalid argument";
    case FileError::too_many_open_system: return "too many open files in the system";
    case FileError::too_many_open: return "too many open files";
    case FileError::too_big: return "file too large";
    case FileError::no_space: return "no space left";
    case FileError::illegal_seek: return "illegal seek";
    case FileError::read_only_fs: return "read-only file system";
    case FileError::name_too_long: return "file name too long";
    case FileError::unknown: return "unknown error";
  }
  return "unknown error";
}

}  // namespace rspstub::platform
