// UTF-16 (Win32 "W" APIs) -> UTF-8 (everything the stub sends).
#pragma once

#include <string>
#include <string_view>

namespace rspstub::platform::windows_backend {

// Invalid UTF-16 (a lone surrogate) becomes U+FFFD rather than failing.
std::string utf8_from_wide(std::wstring_view text);

// UTF-8 -> UTF-16 for the W calls; empty for empty or invalid input.
std::wstring wide_from_utf8(std::string_view text);

}  // namespace rspstub::platform::windows_backend
