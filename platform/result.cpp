#include "platform/result.hpp"

namespace rspstub::platform {

std::string_view to_string(Error e) noexcept {
  switch (e) {
    case Error::none: return "none";
    case Error::no_memory: return "no memory at this address";
    case Error::permission: return "permission denied";
    case Error::process_gone: return "process gone";
    case Error::no_such_thread: return "no such thread";
    case Error::invalid_argument: return "invalid argument";
    case Error::not_supported: return "not supported";
    case Error::io_error: return "I/O error";
  }
  return "unknown error";
}

}  // namespace rspstub::platform
