// Turning uname(2) fields into the values of qHostInfo.
#pragma once

#include <string>
#include <string_view>

namespace rspstub::platform::linux_backend {

// Pure. The leading numeric "a.b.c" of a kernel release: "6.1.0-18-amd64" -> "6.1.0",
// "6.18.44-fc" -> "6.18.44", "5.10" -> "5.10"; "" if it does not start with a digit.
std::string numeric_release(std::string_view release);

// Pure. A GNU target triple for a uname machine: "x86_64" -> "x86_64-pc-linux-gnu",
// "aarch64" -> "aarch64-unknown-linux-gnu".
std::string linux_triple(std::string_view machine);

// Pure. Pointer size in bytes of a uname machine (8 unless a known 32-bit one).
int pointer_size_of(std::string_view machine) noexcept;

}  // namespace rspstub::platform::linux_backend
