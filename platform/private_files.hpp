// Files the stub creates that must be private to the user (a Unix domain socket through which
// anyone could drive the debugger): while a PrivateFileCreation is alive, new files get mode
// 0600 at the latest from creation on (POSIX: umask 0177), so no other user can use them even
// for an instant.
#pragma once

namespace rspstub::platform {

class PrivateFileCreation {
 public:
  PrivateFileCreation() noexcept;
  ~PrivateFileCreation();
  PrivateFileCreation(const PrivateFileCreation&) = delete;
  PrivateFileCreation& operator=(const PrivateFileCreation&) = delete;

 private:
  unsigned saved_ = 0;
};

}  // namespace rspstub::platform
