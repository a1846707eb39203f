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

}  // namespace rspstub::platform::windows_backend
