// The platform layer's error type and a small Result<T>.
// Every OS backend maps its native codes (errno, Win32, zx_status_t) into platform::Error in one
// place per backend; the stub maps platform::Error onto the wire's E NN table.
#pragma once

#include <cstdint>
#include <string_view>
#include <utility>
#include <variant>

namespace rspstub::platform {

enum class Error : std::uint8_t {
  none = 0,
  no_memory,         // nothing mapped at the address (EFAULT, EIO, unmapped, non-canonical)
  permission,        // the OS refused access (EPERM, EACCES, protected page)
  process_gone,      // the process exited or is exiting (ESRCH)
  no_such_thread,    // the thread id is not one of the process's threads
  invalid_argument,  // the request cannot be valid (e.g. a zero-length or wrapping range)
  not_supported,     // this backend or mode cannot do it
  io_error,          // any other OS failure
};

std::string_view to_string(Error e) noexcept;

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(e) {}                 // NOLINT: implicit by design

  bool ok() const noexcept { return v_.index() == 0; }
  explicit operator bool() const noexcept { return ok(); }
  Error error() const noexcept { return ok() ? Error::none : std::get<1>(v_); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Error> v_;
};

}  // namespace rspstub::platform
