#include "platform/windows/wide_text.hpp"

#include <windows.h>

#include <climits>

namespace rspstub::platform::windows_backend {

std::string utf8_from_wide(std::wstring_view text) {
  if (text.empty() || text.size() > INT_MAX / 4) return {};
  const int wide_len = static_cast<int>(text.size());
  const int n = ::WideCharToMultiByte(CP_UTF8, 0, text.data(), wide_len, nullptr, 0, nullptr,
                                      nullptr);
  if (n <= 0) return {};
  std::string out(static_cast<std::size_t>(n), '\0');
  ::WideCharToMultiByte(CP_UTF8, 0, text.data(), wide_len, out.data(), n, nullptr, nullptr);
  return out;
}

std::wstring wide_from_utf8(std::string_view text) {
  if (text.empty() || text.size() > INT_MAX / 2) return {};
  const int len = static_cast<int>(text.size());
  const int n = ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), len, nullptr, 0);
  if (n <= 0) return {};
  std::wstring out(static_cast<std::size_t>(n), L'\0');
  ::MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, text.data(), len, out.data(), n);
  return out;
}

}  // namespace rspstub::platform::windows_backend
