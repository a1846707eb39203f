#include "platform/private_files.hpp"

#include <sys/stat.h>

namespace rspstub::platform {

PrivateFileCreation::PrivateFileCreation() noexcept : saved_(::umask(0177)) {}

PrivateFileCreation::~PrivateFileCreation() { ::umask(static_cast<mode_t>(saved_)); }

}  // namespace rspstub::platform
