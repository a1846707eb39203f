#include "stub/error_map.hpp"

namespace rspstub::stub {

protocol::ErrorCode to_wire_error(platform::Error e) noexcept {
  using platform::Error;
  using protocol::ErrorCode;
  switch (e) {
    case Error::none: return ErrorCode::io_error;  // a failure without a reason is still one
    case Error::no_memory: return ErrorCode::no_memory;
    case Error::permission: return ErrorCode::permission;
    case Error::process_gone: return ErrorCode::process_gone;
    case Error::no_such_thread: return ErrorCode::no_such_thread;
    case Error::invalid_argument: return ErrorCode::invalid_argument;
    case Error::not_supported: return ErrorCode::not_in_this_mode;
    case Error::io_error: return ErrorCode::io_error;
  }
  return ErrorCode::io_error;
}

}  // namespace rspstub::stub
