// host_info() on Linux: uname(2).
#include <sys/utsname.h>

#include "platform/host.hpp"
#include "platform/linux/uname_fields.hpp"

namespace rspstub::platform {

HostInfo host_info() {
  HostInfo h;
  h.os_type = "linux";
  utsname u{};
  if (::uname(&u) != 0) {
    h.triple = "x86_64-pc-linux-gnu";  // uname does not fail in practice; be sensible anyway
    return h;
  }
  h.triple = linux_backend::linux_triple(u.machine);
  h.pointer_size = linux_backend::pointer_size_of(u.machine);
  h.os_version = linux_backend::numeric_release(u.release);
  h.os_build = u.release;
  h.os_kernel = u.version;
  h.hostname = u.nodename;
  return h;
}

}  // namespace rspstub::platform
