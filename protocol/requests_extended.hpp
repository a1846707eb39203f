// Parsers for extended-remote packets (vRun, the Q settings of the next launch).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "protocol/errors.hpp"

namespace rspstub::protocol {

// Hex text ("414243") into bytes as a string ("ABC"). An odd length or a non-hex digit is
// malformed; the empty text is the empty string.
ErrorCode decode_hex_text(std::string_view hex, std::string& out);

// vRun's arguments after "vRun;": "<prog-hex>[;<arg-hex>]...". Every field is decoded; the
// program may be empty (run the last one again), arguments may be empty strings.
ErrorCode parse_vrun(std::string_view args, std::vector<std::string>& out);

// A "0" or "1" flag (QStartupWithShell, QDisableRandomization, QSetDisableASLR).
ErrorCode parse_flag(std::string_view args, bool& out) noexcept;

// "NAME=value" as an environment assignment: NAME non-empty, without '='; value may be empty.
// (Both gdb and lldb send it so, hex-encoded or not.)
ErrorCode check_environment_assignment(std::string_view text) noexcept;

}  // namespace rspstub::protocol
