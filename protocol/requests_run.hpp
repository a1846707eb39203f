// Parsers for the run-control packets (resume, register writes, signal lists, detach). Same
// rules as requests.hpp: strict hex, no trailing junk; ErrorCode::none on success, else the error
// to send with `out` unspecified. `args` is what follows the packet's name.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/errors.hpp"
#include "protocol/requests.hpp"

namespace rspstub::protocol {

// One action of vCont: c, C<sig>, s, S<sig>, t, each with an optional ":<thread-id>".
struct VContAction {
  enum class Op : std::uint8_t { cont, step, stop };
  Op op = Op::cont;
  int signal = 0;           // C/S: the signal to deliver (0..255)
  bool has_thread = false;  // false: the default action for every thread not named
  ThreadId thread;
};
// args = after "vCont;" ("c:p1.-1;s:p1.2"). At most kMaxVContActions actions (more: too_large):
// lldb names every thread it resumes when they do not all continue alike, and a process may have
// thousands of threads; the bound keeps the parsed list small whatever the packet holds.
inline constexpr std::size_t kMaxVContActions = 4096;
ErrorCode parse_vcont(std::string_view args, std::vector<VContAction>& out);

// c[addr] / s[addr] (with_signal false) and C<sig>[;addr] / S<sig>[;addr] (with_signal true).
struct LegacyResume {
  int signal = 0;
  bool has_addr = false;
  std::uint64_t addr = 0;
};
ErrorCode parse_legacy_resume(std::string_view args, bool with_signal, LegacyResume& out) noexcept;

// P<regnum>=<hex value>[;thread:<tid>;]
struct RegisterWrite {
  std::uint64_t regnum = 0;
  std::string_view value_hex;
  bool has_thread = false;
  ThreadId thread;
};
ErrorCode parse_register_write(std::string_view args, RegisterWrite& out) noexcept;

// QPassSignals:/QProgramSignals: "<sig>;<sig>;...[;]" (hex signal numbers, may be empty).
ErrorCode parse_signal_list(std::string_view args, std::vector<int>& out);

// D, D;<pid> (args = after 'D'). has_pid false for a bare D.
struct DetachRequest {
  bool has_pid = false;
  std::uint64_t pid = 0;
};
ErrorCode parse_detach(std::string_view args, DetachRequest& out) noexcept;

}  // namespace rspstub::protocol
