#include "platform/environment.hpp"

#include <cstdlib>

#if defined(_WIN32)
#define RSPSTUB_ENVIRON _environ
#else
extern char** environ;  // POSIX: declared by no standard header
#define RSPSTUB_ENVIRON environ
#endif

namespace rspstub::platform {

std::vector<std::string> host_environment() {
  std::vector<std::string> out;
  for (char** e = RSPSTUB_ENVIRON; e != nullptr && *e != nullptr; ++e) out.emplace_back(*e);
  return out;
}

}  // namespace rspstub::platform
