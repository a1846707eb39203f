#include "stub/failure_report.hpp"

#include <cinttypes>
#include <cstdio>

#include "platform/fatal_signal.hpp"

namespace rspstub::stub {
namespace {

std::string hex(std::uint64_t v, int width = 0) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*" PRIx64, width, v);
  return buf;
}

// gdb and lldb spell a Unix socket differently from a TCP address.
bool is_unix(const std::string& where) { return where.rfind("unix:", 0) == 0; }

}  // namespace

int failure_exit_status(const Failure& f) noexcept {
  return f.timed_out ? kTimeoutExitStatus : 128 + f.signal;
}

std::string describe_failure(const Failure& f) {
  std::string s = "process " + std::to_string(f.pid) + " (" + f.program + ")";
  if (f.timed_out) {
    s += " timed out after " + std::to_string(f.timeout_seconds) + " s, stopped; thread " +
         std::to_string(f.tid);
  } else {
    s += " got " + platform::signal_name(f.signal);
    if (!f.cause.empty()) s += " (" + f.cause + ")";
    s += " in thread " + std::to_string(f.tid);
    if (f.fault_address) s += " at address " + hex(*f.fault_address);
  }
  if (f.pc) s += (f.timed_out ? " at pc " : ", pc ") + hex(*f.pc);
  return s;
}

std::string shell_quote(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+./:=@%,") ==
      std::string::npos;
  if (plain) return word;
  std::string q = "'";
  for (char c : word) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string gdb_command(const std::string& program, const std::string& where) {
  // gdb 13 connects to a Unix socket given as a plain path (it has no "unix:" prefix for one).
  const std::string target = is_unix(where) ? where.substr(5) : where;
  return "gdb -ex " + shell_quote("target remote " + target) + " " + shell_quote(program);
}

std::string lldb_command(const std::string& program, const std::string& where) {
  // lldb's gdb-remote takes HOST:PORT only; a Unix socket goes through process connect.
  const std::string connect =
      is_unix(where) ? "process connect -p gdb-remote unix-connect://" + where.substr(5)
                     : "gdb-remote " + where;
  return "lldb-19 " + shell_quote(program) + " -o " + shell_quote(connect);
}

std::string waiting_line(const Failure& f, const std::string& where, unsigned wait_seconds) {
  return describe_failure(f) + "; waiting " + std::to_string(wait_seconds) +
         " s for a debugger on " + where + ": " + gdb_command(f.program, where) + "  or  " +
         lldb_command(f.program, where);
}

std::string format_backtrace(const std::vector<platform::ThreadBacktrace>& threads,
                             const std::vector<ThreadLabel>& names, int failing_tid,
                             const std::string& role) {
  std::string out;
  auto one = [&](const platform::ThreadBacktrace& t) {
    out += "Thread " + std::to_string(t.tid);
    for (const ThreadLabel& n : names)
      if (n.tid == t.tid && !n.name.empty()) out += " \"" + n.name + "\"";
    if (t.tid == failing_tid) out += " (" + role + ")";
    out += ":\n";
    for (std::size_t i = 0; i < t.frames.size(); ++i) {
      const platform::BacktraceFrame& fr = t.frames[i];
      char index[32];
      std::snprintf(index, sizeof index, "  #%-2zu ", i);
      out += index + hex(fr.pc, 16) + " in ";
      out += fr.function.empty() ? std::string("??") : fr.function + "+" + hex(fr.offset);
      if (!fr.file.empty()) out += " at " + fr.file + ":" + std::to_string(fr.line);
      if (!fr.module.empty()) out += " (" + fr.module + ")";
      out += "\n";
    }
    if (t.frames.empty()) out += "  (no frames)\n";
    if (!t.error.empty() && t.frames.empty()) out += "  unwinding failed: " + t.error + "\n";
  };
  for (const auto& t : threads)
    if (t.tid == failing_tid) one(t);
  for (const auto& t : threads)
    if (t.tid != failing_tid) one(t);
  return out;
}

}  // namespace rspstub::stub
