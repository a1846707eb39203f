// Windows: files (including AF_UNIX socket files) take the access control list their folder
// passes on, and there is no umask to tighten. The guard does nothing here; a user's own
// folders (%TEMP%, the profile) are already closed to other users by their default ACLs.
#include "platform/private_files.hpp"

namespace rspstub::platform {

PrivateFileCreation::PrivateFileCreation() noexcept = default;

PrivateFileCreation::~PrivateFileCreation() = default;

}  // namespace rspstub::platform
