#include "platform/linux/errno_map.hpp"

#include <cerrno>

namespace rspstub::platform::linux_backend {

Error error_from_errno(int err) noexcept {
  switch (err) {
    case EFAULT:
    case EIO:
      return Error::no_memory;
    case EPERM:
    case EACCES:
      return Error::permission;
    case ESRCH:
    case ENOENT:
      return Error::process_gone;
    case EINVAL:
      return Error::invalid_argument;
    case ENOSYS:
    case EOPNOTSUPP:
      return Error::not_supported;
    default:
      return Error::io_error;
  }
}

}  // namespace rspstub::platform::linux_backend
