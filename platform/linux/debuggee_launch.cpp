// launch(): fork, let the parent seize the child, then exec; report the first stop after the
// program's execve (at the dynamic loader's entry). Also debuggee_event_signal().
//
// The child waits on a pipe until the parent has seized it (PTRACE_SEIZE needs no stop), so the
// exec happens under ptrace and stops at PTRACE_EVENT_EXEC. Failures before the exec (chdir,
// execve) travel back as errno on a close-on-exec pipe: end of file there means the exec worked.
#include <fcntl.h>
#include <signal.h>
#include <linux/close_range.h>
#include <sys/personality.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "platform/debuggee.hpp"
#include "platform/linux/debuggee_linux.hpp"
#include "platform/linux/errno_map.hpp"
#include "platform/linux/unique_fd.hpp"

namespace rspstub::platform {
namespace {

using linux_backend::LinuxDebuggee;
using linux_backend::UniqueFd;

// What the child reports through the error pipe.
struct ChildFailure {
  int stage;  // 0 = chdir, 1 = execve
  int err;
};

// Everything the child needs, built before fork(): after it, the child only makes system calls.
struct ExecPlan {
  std::vector<std::string> args;
  std::vector<char*> argv;
  std::vector<std::string> env_strings;
  std::vector<char*> envp;  // empty: keep environ
  const char* file = nullptr;
  int expected_execs = 1;
};

ExecPlan plan_for(const LaunchSpec& spec) {
  ExecPlan plan;
  if (spec.use_shell) {
    // The shell runs `exec "$@"` with $0 = the program and $@ = the whole command line, so the
    // arguments reach the program untouched; the shell's own exec is the first of two.
    const char* shell = std::getenv("SHELL");
    plan.args = {shell && *shell ? shell : "/bin/sh", "-c", "exec \"$@\"", spec.argv[0]};
    plan.args.insert(plan.args.end(), spec.argv.begin(), spec.argv.end());
    plan.expected_execs = 2;
  } else {
    plan.args = spec.argv;
  }
  for (std::string& a : plan.args) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  plan.file = plan.argv[0];
  if (spec.env) {
    plan.env_strings = *spec.env;
    for (std::string& e : plan.env_strings) plan.envp.push_back(e.data());
    plan.envp.push_back(nullptr);
  }
  return plan;
}

// The program must not inherit the stub's descriptors (the listening socket, the debugger's
// connection): with --multi it would keep the port open after rspstub exits. Everything above
// stderr becomes close-on-exec (the two launch pipes already are).
void close_stub_descriptors_on_exec() {
#if defined(SYS_close_range) && defined(CLOSE_RANGE_CLOEXEC)
  if (::syscall(SYS_close_range, 3u, ~0u, CLOSE_RANGE_CLOEXEC) == 0) return;
#endif
  rlimit limit{};
  int top = 4096;
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < 65536)
    top = static_cast<int>(limit.rlim_cur);
  for (int fd = 3; fd < top; ++fd) {
    const int flags = ::fcntl(fd, F_GETFD);
    if (flags >= 0) ::fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
  }
}

[[noreturn]] void run_child(const ExecPlan& plan, const LaunchSpec& spec, int go_fd, int err_fd) {
  auto fail = [err_fd](int stage) {
    const ChildFailure f{stage, errno};
    [[maybe_unused]] ssize_t n = ::write(err_fd, &f, sizeof f);
    ::_exit(127);
  };
  // A clean signal state: nothing blocked, nothing ignored (SIG_IGN survives execve).
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int s = 1; s < NSIG; ++s) ::signal(s, SIG_DFL);
  char go = 0;
  ssize_t n;
  do {
    n = ::read(go_fd, &go, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) ::_exit(127);  // the parent gave up on us
  close_stub_descriptors_on_exec();
  if (!spec.working_dir.empty() && ::chdir(spec.working_dir.c_str()) != 0) fail(0);
  if (spec.disable_aslr) {
    const int current = ::personality(0xffffffff);
    if (current != -1) ::personality(static_cast<unsigned long>(current) | ADDR_NO_RANDOMIZE);
  }
  char* const* envp = plan.envp.empty() ? environ : plan.envp.data();
  ::execvpe(plan.file, plan.argv.data(), envp);
  fail(1);
  ::_exit(127);
}

void reap(pid_t pid) {
  ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
  }
}

// Waits for the child's stops until the expected number of execs has happened. Other signals
// (the shell's own) are delivered. Returns 0 when stopped after the last exec, or the exit
// status (wait status) of a child that ended first.
bool follow_execs(pid_t pid, int expected, int& wait_status) {
  int execs = 0;
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, __WALL) < 0) {
      if (errno == EINTR) continue;
      wait_status = 0;
      return false;
    }
    if (!WIFSTOPPED(status)) {
      wait_status = status;
      return false;
    }
    int deliver = 0;
    if ((status >> 16) == PTRACE_EVENT_EXEC) {
      if (++execs == expected) return true;
    } else if ((status >> 16) == 0) {
      deliver = WSTOPSIG(status);
    }
    ::ptrace(PTRACE_CONT, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(deliver)));
  }
}

// Why execve refused `program`, in words a user can act on: EACCES alone does not say that the
// path is a directory or a file without execute permission.
std::string exec_failure_reason(const std::string& program, int err) {
  struct stat st {};
  if (err == EACCES && program.find('/') != std::string::npos &&
      ::stat(program.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return "it is a directory";
    if (!S_ISREG(st.st_mode)) return "it is not a regular file";
    if ((st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) == 0)
      return "it is not executable (no execute permission)";
  }
  if (err == ENOEXEC) return "it is not an executable format";
  return std::strerror(err);
}

std::string describe_failure(const LaunchSpec& spec, const ChildFailure& f) {
  if (f.stage == 0)
    return "cannot change to directory " + spec.working_dir + ": " + std::strerror(f.err);
  return "cannot execute " + spec.argv[0] + ": " + exec_failure_reason(spec.argv[0], f.err);
}

}  // namespace

Result<std::unique_ptr<Debuggee>> launch(const LaunchSpec& spec, std::string& message) {
  message.clear();
  if (spec.argv.empty() || spec.argv[0].empty()) {
    message = "no program to run";
    return Error::invalid_argument;
  }
  const ExecPlan plan = plan_for(spec);
  int go[2], err[2];
  if (::pipe2(go, O_CLOEXEC) != 0) return linux_backend::error_from_errno(errno);
  UniqueFd go_read(go[0]), go_write(go[1]);
  if (::pipe2(err, O_CLOEXEC) != 0) return linux_backend::error_from_errno(errno);
  UniqueFd err_read(err[0]), err_write(err[1]);

  const pid_t pid = ::fork();
  if (pid < 0) {
    message = std::string("fork: ") + std::strerror(errno);
    return Error::io_error;
  }
  if (pid == 0) run_child(plan, spec, go_read.get(), err_write.get());
  go_read.reset();
  err_write.reset();

  const auto options = linux_backend::trace_options(LinuxDebuggee::Origin::launched);
  if (::ptrace(PTRACE_SEIZE, pid, nullptr, reinterpret_cast<void*>(options)) != 0) {
    const int e = errno;
    message = std::string("cannot trace the new process: ") + std::strerror(e);
    reap(pid);
    return linux_backend::error_from_errno(e);
  }
  const char start = 1;
  if (::write(go_write.get(), &start, 1) != 1) {
    message = "cannot start the new process";
    reap(pid);
    return Error::io_error;
  }
  go_write.reset();

  int status = 0;
  const bool at_program = follow_execs(pid, plan.expected_execs, status);
  if (!at_program) {
    ChildFailure f{};
    ssize_t n;
    do {
      n = ::read(err_read.get(), &f, sizeof f);
    } while (n < 0 && errno == EINTR);
    if (n == static_cast<ssize_t>(sizeof f)) {
      message = describe_failure(spec, f);
    } else if (WIFEXITED(status)) {
      message = "cannot execute " + spec.argv[0] + ": the shell exited with status " +
                std::to_string(WEXITSTATUS(status));
    } else {
      message = "cannot execute " + spec.argv[0] + ": the process ended before it started";
    }
    reap(pid);
    return Error::invalid_argument;
  }
  auto d = LinuxDebuggee::adopt(pid, LinuxDebuggee::Origin::launched, {pid});
  if (!d) {
    message = "cannot inspect the new process " + std::to_string(pid);
    reap(pid);
    return d.error();
  }
  return std::unique_ptr<Debuggee>(std::move(*d));
}

int debuggee_event_signal() noexcept { return SIGCHLD; }

}  // namespace rspstub::platform
