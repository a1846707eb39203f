// LinuxProcess memory access. process_vm_readv first: it copies straight between the two
// address spaces, where /proc/PID/mem bounces every page through a kernel buffer. Then
// /proc/PID/mem for whatever it could not read: it also reads PROT_NONE pages (stopping only at
// unmapped ones), and works where a seccomp profile refuses process_vm_readv.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "platform/linux/address_range.hpp"
#include "platform/linux/linux_process.hpp"

namespace rspstub::platform::linux_backend {

std::size_t LinuxProcess::read_proc_mem(std::uint64_t addr, std::span<std::byte> out,
                                        std::size_t done, int& err) noexcept {
  while (done < out.size()) {
    ++stats_.proc_mem_reads;
    const ssize_t n = ::pread(mem_fd_.get(), out.data() + done, out.size() - done,
                              static_cast<off_t>(addr + done));
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0) {
      err = EIO;  // end of file: the process's memory has been released
      break;
    } else if (errno != EINTR) {
      err = errno;
      break;
    }
  }
  return done;
}

ReadResult LinuxProcess::read_memory(std::uint64_t addr, std::span<std::byte> out) noexcept {
  if (out.empty()) return {0, Error::invalid_argument};
  const std::size_t n = requestable_length(addr, out.size());
  if (n == 0) return {0, Error::no_memory};
  out = out.first(n);

  std::size_t done = 0;
  int err = 0;
  if (!proc_mem_only_) {
    ++stats_.vm_readv_calls;
    iovec local{out.data(), n};
    iovec remote{reinterpret_cast<void*>(static_cast<std::uintptr_t>(addr)), n};
    const ssize_t got = ::process_vm_readv(pid_, &local, 1, &remote, 1, 0);
    if (got == static_cast<ssize_t>(n)) return {n, Error::none};
    if (got >= 0) {
      done = static_cast<std::size_t>(got);
    } else if (errno == ENOSYS || errno == EPERM) {
      proc_mem_only_ = true;  // refused for good (no syscall, or seccomp): stop trying
    } else if (errno == ESRCH) {
      return {0, Error::process_gone};
    }
    // Short, or EFAULT/EIO (an unreadable or unmapped page): /proc/PID/mem goes on from there.
  }
  done = read_proc_mem(addr, out, done, err);
  if (done > 0) return {done, Error::none};
  return {0, failure(err)};
}

WriteResult LinuxProcess::write_memory(std::uint64_t addr, std::span<const std::byte> in) noexcept {
  if (in.empty()) return {0, Error::invalid_argument};
  const std::size_t n = requestable_length(addr, in.size());
  if (n == 0) return {0, Error::no_memory};
  if (!mem_rw_fd_.valid()) {
    char path[32];
    std::snprintf(path, sizeof path, "/proc/%d/mem", pid_);
    mem_rw_fd_.reset(::open(path, O_RDWR | O_CLOEXEC));
    if (!mem_rw_fd_.valid()) return {0, failure(errno)};
  }
  std::size_t done = 0;
  int err = 0;
  while (done < n) {
    const ssize_t put = ::pwrite(mem_rw_fd_.get(), in.data() + done, n - done,
                                 static_cast<off_t>(addr + done));
    if (put > 0) {
      done += static_cast<std::size_t>(put);
    } else if (put == 0) {
      err = EIO;
      break;
    } else if (errno != EINTR) {
      err = errno;
      break;
    }
  }
  if (done > 0) return {done, Error::none};
  return {0, failure(err)};
}

}  // namespace rspstub::platform::linux_backend
