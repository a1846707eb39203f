// Lets Boost.Test print a platform::Error in failed assertions (found by argument lookup).
#pragma once

#include <ostream>

#include "platform/result.hpp"

namespace rspstub::platform {

inline std::ostream& boost_test_print_type(std::ostream& out, Error e) {
  return out << to_string(e);
}

}  // namespace rspstub::platform
