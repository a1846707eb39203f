// platform::Error -> the wire's error table. One place, so every OS gives the same E NN.
#pragma once

#include "platform/result.hpp"
#include "protocol/errors.hpp"

namespace rspstub::stub {

protocol::ErrorCode to_wire_error(platform::Error e) noexcept;

}  // namespace rspstub::stub
