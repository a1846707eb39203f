#include "child_process.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rspstub::test {
namespace {

std::atomic<std::uint64_t> g_counter{0};
std::atomic<int> g_worker_tids[2];

void fill(void* page, std::size_t n) {
  auto* p = static_cast<std::byte*>(page);
  for (std::size_t i = 0; i < n; ++i) p[i] = pattern_byte(reinterpret_cast<std::uintptr_t>(p + i));
}

void* worker(void* arg) {
  const int index = static_cast<int>(reinterpret_cast<std::intptr_t>(arg));
  g_worker_tids[index].store(static_cast<int>(::syscall(SYS_gettid)));
  for (;;) ::pause();
}

void read_link(const char* path, char* out, std::size_t size) {
  const ssize_t n = ::readlink(path, out, size - 1);
  out[n > 0 ? n : 0] = '\0';
}

[[noreturn]] void child_main(int report_fd) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive the test
  ChildLayout layout;
  constexpr int rw = PROT_READ | PROT_WRITE;
  constexpr int anon = MAP_PRIVATE | MAP_ANONYMOUS;

  void* pattern = ::mmap(nullptr, 2 * kPage, rw, anon, -1, 0);
  void* protnone = ::mmap(nullptr, kPage, rw, anon, -1, 0);
  if (pattern == MAP_FAILED || protnone == MAP_FAILED) ::_exit(10);
  fill(pattern, 2 * kPage);
  fill(protnone, kPage);
  if (::mprotect(protnone, kPage, PROT_NONE) != 0) ::_exit(11);

  pthread_t threads[2];
  const char* names[2] = {"worker1", "worker2"};
  for (int i = 0; i < 2; ++i) {
    if (::pthread_create(&threads[i], nullptr, worker, reinterpret_cast<void*>(std::intptr_t{i})))
      ::_exit(12);
    ::pthread_setname_np(threads[i], names[i]);
  }
  for (int i = 0; i < 2; ++i) {
    while (g_worker_tids[i].load() == 0) ::sched_yield();
    layout.worker_tids[i] = g_worker_tids[i].load();
  }

  // Last of all, so no later mapping can land in the hole: a page followed by an unmapped one.
  void* straddle = ::mmap(nullptr, 2 * kPage, rw, anon, -1, 0);
  if (straddle == MAP_FAILED) ::_exit(13);
  fill(straddle, kPage);
  if (::munmap(static_cast<char*>(straddle) + kPage, kPage) != 0) ::_exit(14);

  layout.pattern = reinterpret_cast<std::uintptr_t>(pattern);
  layout.straddle = reinterpret_cast<std::uintptr_t>(straddle);
  layout.protnone = reinterpret_cast<std::uintptr_t>(protnone);
  layout.counter = reinterpret_cast<std::uintptr_t>(&g_counter);
  read_link("/proc/self/exe", layout.exe, sizeof layout.exe);
  char comm[sizeof layout.comm] = {};
  ::prctl(PR_GET_NAME, comm);
  std::memcpy(layout.comm, comm, sizeof comm);
  if (::write(report_fd, &layout, sizeof layout) != static_cast<ssize_t>(sizeof layout))
    ::_exit(15);
  ::close(report_fd);

  const timespec ms{0, 1000000};
  for (;;) {
    g_counter.fetch_add(1);
    ::nanosleep(&ms, nullptr);
  }
}

}  // namespace

Child::Child() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  pid_ = ::fork();
  if (pid_ < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw std::runtime_error("fork failed");
  }
  if (pid_ == 0) {
    ::close(fds[0]);
    child_main(fds[1]);
  }
  ::close(fds[1]);
  auto* out = reinterpret_cast<char*>(&layout_);
  std::size_t got = 0;
  while (got < sizeof layout_) {
    const ssize_t n = ::read(fds[0], out + got, sizeof layout_ - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fds[0]);
  if (got != sizeof layout_) {
    kill_and_reap();
    throw std::runtime_error("the child did not report its layout");
  }
}

Child::~Child() { kill_and_reap(); }

void Child::kill_and_reap() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  while (::waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

}  // namespace rspstub::test
