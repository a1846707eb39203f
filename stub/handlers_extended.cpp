// Extended-remote mode (rspstub --multi): the client starts and attaches to processes itself
// and the server outlives each of them. Outside --multi every packet here gets the empty reply
// (not supported), as gdbserver without --multi answers.
#include <algorithm>
#include <string>
#include <vector>

#include "protocol/requests.hpp"
#include "protocol/requests_extended.hpp"
#include "stub/handlers.hpp"
#include "stub/signals.hpp"

namespace rspstub::stub::handlers {
namespace {

using protocol::ErrorCode;

constexpr int kGdbSigTrap = 5;  // gdb's number for SIGTRAP (the stop at a launch's entry)

bool has_nul(const std::vector<std::string>& v) {
  return std::ranges::any_of(v, [](const std::string& s) { return s.find('\0') != s.npos; });
}

// A new process replaces the old one: thread selections and snapshots of the old one go.
void forget_old_process(ConnectionState& state) {
  state.general_thread = 0;
  state.continue_thread = 0;
  state.thread_list.clear();
  state.thread_list_pos = 0;
  state.awaiting_stop = false;
  state.libraries_xml.clear();
  state.dll_list_xml.clear();
}

// Serves `d` from now on and replies with its stop (built against the new process).
void take_process(Context& ctx, std::unique_ptr<platform::Debuggee> d, int host_signal,
                  bool launched) {
  platform::StopEvent initial;
  initial.tid = d->pid();
  initial.signal = host_signal;
  ctx.target.adopt(std::move(d), initial, launched);
  forget_old_process(ctx.state);
  Context now{ctx.target, ctx.target.process(), ctx.config, ctx.state, ctx.reply, ctx.log,
              ctx.read_ahead, ctx.speculation};
  now.put_stop_event(initial);
}

// The text of a Q packet whose argument is hex ("QEnvironmentHexEncoded:<hex>"); false after
// an error reply. NUL bytes cannot travel in an environment or a path: refused.
bool hex_argument(Context& ctx, std::string_view args, std::string& out) {
  if (auto e = protocol::decode_hex_text(args, out); e != ErrorCode::none) {
    ctx.error(e);
    return false;
  }
  if (out.find('\0') != std::string::npos) {
    ctx.error(ErrorCode::invalid_argument);
    return false;
  }
  return true;
}

void set_variable(Context& ctx, std::string_view assignment) {
  if (auto e = protocol::check_environment_assignment(assignment); e != ErrorCode::none)
    return ctx.error(e);
  ctx.target.launch_settings().set_variable(assignment);
  ctx.ok();
}

void set_flag(Context& ctx, std::string_view args, void (LaunchSettings::*setter)(bool)) {
  if (!ctx.target.extended()) return;
  bool on = false;
  if (auto e = protocol::parse_flag(args, on); e != ErrorCode::none) return ctx.error(e);
  (ctx.target.launch_settings().*setter)(on);
  ctx.ok();
}

}  // namespace

// Packet:  !
// Reply:   OK in --multi mode (extended-remote accepted); empty otherwise.
// Clients: gdb (target extended-remote).
void extended_mode(Context& ctx, std::string_view) {
  if (ctx.target.extended()) ctx.ok();
}

// Packet:  vRun;<program-hex>[;<arg-hex>]...
// Reply:   the stop reply of the new process at its first instruction (T05..., thread:...).
//          An empty program runs the last one again (or the one from rspstub's command line),
//          with the arguments of this packet. The previous process, if any, is released first
//          (killed if we started it, detached if we attached). Errors: E01 bad hex, E0b no
//          program to run / a NUL in an argument / the program cannot be started (the reason
//          is logged), and what the OS said (E05, E0a). Empty outside --multi.
// Clients: gdb (run, start in extended-remote).
void run(Context& ctx, std::string_view args) {
  ProcessSource* source = ctx.target.process_source();
  if (source == nullptr) return;
  std::vector<std::string> argv;
  if (auto e = protocol::parse_vrun(args, argv); e != ErrorCode::none) return ctx.error(e);
  if (has_nul(argv)) return ctx.error(ErrorCode::invalid_argument);
  if (argv.front().empty()) {
    if (ctx.target.last_program().empty()) {
      ctx.log.log(LogLevel::warn, "vRun without a program, and none was run before");
      return ctx.error(ErrorCode::invalid_argument);
    }
    argv.front() = ctx.target.last_program().front();
  }
  ctx.target.release_process();  // gdbserver does the same: one process at a time
  forget_old_process(ctx.state);
  std::string message;
  auto launched = source->launch(ctx.target.launch_settings().spec_for(argv), message);
  if (!launched) {
    ctx.log.log(LogLevel::warn, "vRun: cannot start " + argv.front() + ": " +
                                    (message.empty() ? std::string(platform::to_string(
                                                           launched.error()))
                                                     : message));
    return ctx.error(launched.error());
  }
  ctx.log.log(LogLevel::info, "process " + std::to_string((*launched)->pid()) + " created: " +
                                  argv.front());
  ctx.target.set_last_program(argv);
  take_process(ctx, std::move(*launched), gdb_to_host_signal(kGdbSigTrap), true);
}

// Packet:  vAttach;<pid-hex>
// Reply:   the stop reply of the attached process (signal 0: T00 for gdb, T13 for lldb, as for
//          --attach). The previous process is released first. E06 no such process, E05 not
//          allowed (ptrace_scope, another tracer), E0b pid 0 or rspstub itself, E01 malformed.
//          Empty outside --multi.
// Clients: gdb (attach PID in extended-remote).
void attach(Context& ctx, std::string_view args) {
  ProcessSource* source = ctx.target.process_source();
  if (source == nullptr) return;
  std::uint64_t pid = 0;
  if (auto e = protocol::parse_hex_field(args, pid); e != ErrorCode::none) return ctx.error(e);
  if (pid == 0 || pid > 0x7fffffff) return ctx.error(ErrorCode::invalid_argument);
  ctx.target.release_process();
  forget_old_process(ctx.state);
  auto attached = source->attach(static_cast<int>(pid));
  if (!attached) {
    ctx.log.log(LogLevel::warn, "vAttach: cannot attach to process " + std::to_string(pid) +
                                    ": " + std::string(platform::to_string(attached.error())));
    return ctx.error(attached.error());
  }
  ctx.log.log(LogLevel::info, "attached to process " + std::to_string(pid));
  take_process(ctx, std::move(*attached), 0, false);
}

// Packet:  QEnvironmentHexEncoded:<hex of NAME=value>   (gdb: set environment, lldb too when
//          the value has special characters) / QEnvironment:NAME=value (lldb)
// Reply:   OK; the next vRun's program gets NAME=value. E01 bad hex, E0b no '=' or a NUL.
//          Empty outside --multi.
// Clients: gdb, lldb.
void environment_hex(Context& ctx, std::string_view args) {
  if (!ctx.target.extended()) return;
  std::string assignment;
  if (!hex_argument(ctx, args, assignment)) return;
  set_variable(ctx, assignment);
}
void environment_plain(Context& ctx, std::string_view args) {
  if (!ctx.target.extended()) return;
  set_variable(ctx, args);
}

// Packet:  QEnvironmentUnset:<hex of NAME>
// Reply:   OK; the next program runs without NAME. E01 bad hex, E0b empty name. Empty outside
//          --multi.
// Clients: gdb (unset environment NAME).
void environment_unset(Context& ctx, std::string_view args) {
  if (!ctx.target.extended()) return;
  std::string name;
  if (!hex_argument(ctx, args, name)) return;
  if (name.empty() || name.find('=') != std::string::npos)
    return ctx.error(ErrorCode::invalid_argument);
  ctx.target.launch_settings().unset_variable(name);
  ctx.ok();
}

// Packet:  QEnvironmentReset
// Reply:   OK; the next program gets rspstub's own environment again. Empty outside --multi.
// Clients: gdb (before each run).
void environment_reset(Context& ctx, std::string_view) {
  if (!ctx.target.extended()) return;
  ctx.target.launch_settings().reset_environment();
  ctx.ok();
}

// Packet:  QSetWorkingDir:<hex of dir>   (empty: rspstub's own working directory)
// Reply:   OK; the next program starts there (a directory that does not exist makes the vRun
//          fail). E01 bad hex, E0b a NUL. Empty outside --multi.
// Clients: gdb (set cwd, sent before each run), lldb (process launch -w).
void set_working_dir(Context& ctx, std::string_view args) {
  if (!ctx.target.extended()) return;
  std::string dir;
  if (!hex_argument(ctx, args, dir)) return;
  ctx.target.launch_settings().set_working_dir(std::move(dir));
  ctx.ok();
}

// Packet:  QStartupWithShell:0|1
// Reply:   OK; 1: the next program is started by $SHELL (gdb's startup-with-shell, its default).
//          E01 for anything but 0/1. Empty outside --multi.
// Clients: gdb (before each run).
void startup_with_shell(Context& ctx, std::string_view args) {
  set_flag(ctx, args, &LaunchSettings::set_startup_with_shell);
}

// Packet:  QDisableRandomization:0|1 (gdb) / QSetDisableASLR:0|1 (lldb)
// Reply:   OK; 1: the next program runs without address space randomization. E01 for anything
//          but 0/1. Empty outside --multi.
// Clients: gdb (before each run; on by default), lldb (before a launch; on by default).
void disable_randomization(Context& ctx, std::string_view args) {
  set_flag(ctx, args, &LaunchSettings::set_disable_aslr);
}

}  // namespace rspstub::stub::handlers
