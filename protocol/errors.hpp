// The one error table of rspstub. Every failure a client can see maps to exactly one code here;
// the README lists the same table. Codes are stable: never renumber, only append.
//
// Wire forms (see reply.hpp): `E NN` (two lower-case hex digits) by default; `E NN;<hex text>`
// once the connection sent QEnableErrorStrings (lldb); `E.<text>` once the client's qSupported
// listed error-message+ (gdb >= 15). gdb 13 and lldb 19 parse anything else as data.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace rspstub::protocol {

enum class ErrorCode : std::uint8_t {
  none = 0x00,
  malformed = 0x01,         // the packet does not parse: bad hex, missing field, trailing junk
  range_overflow = 0x02,    // addr + len wraps past the top of the address space
  too_large = 0x03,         // the request exceeds a limit of the stub (e.g. data longer than len)
  no_memory = 0x04,         // nothing readable/writable at the address (unmapped, kernel space)
  permission = 0x05,        // the operating system refused access
  process_gone = 0x06,      // the process has exited
  not_in_this_mode = 0x07,  // refused in --no-stop (inspection-only) mode
  no_such_thread = 0x08,    // the thread id is not one of the target's threads
  not_found = 0x09,         // unknown qXfer annex/object, register number, file
  io_error = 0x0a,          // any other operating-system failure
  invalid_argument = 0x0b,  // well-formed but meaningless (zero length, bad offset)
  read_only = 0x0c,         // refused: the stub runs with --read-only
};

struct ErrorInfo {
  ErrorCode code;
  std::string_view name;     // stable identifier, e.g. "no_memory"
  std::string_view message;  // one line for humans, sent as error text when negotiated
};

// The whole table, in code order (for the README and for tests).
std::span<const ErrorInfo> error_table() noexcept;
const ErrorInfo& error_info(ErrorCode code) noexcept;

}  // namespace rspstub::protocol
