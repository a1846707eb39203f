#include "platform/linux/uname_fields.hpp"

namespace rspstub::platform::linux_backend {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool is_x86_32(std::string_view machine) {
  return machine.size() == 4 && machine[0] == 'i' && machine.substr(2) == "86";
}

}  // namespace

std::string numeric_release(std::string_view release) {
  std::string out;
  int components = 0;
  std::size_t i = 0;
  while (components < 3 && i < release.size() && is_digit(release[i])) {
    if (components > 0) out += '.';
    while (i < release.size() && is_digit(release[i])) out += release[i++];
    ++components;
    // Only a dot followed by another digit continues the number ("6.1.0-rc1", "5.10.").
    if (i + 1 < release.size() && release[i] == '.' && is_digit(release[i + 1])) {
      ++i;
    } else {
      break;
    }
  }
  return out;
}

std::string linux_triple(std::string_view machine) {
  // x86 triples traditionally name the vendor "pc"; others leave it "unknown".
  const bool x86 = machine == "x86_64" || is_x86_32(machine);
  return std::string(machine) + (x86 ? "-pc" : "-unknown") + "-linux-gnu";
}

int pointer_size_of(std::string_view machine) noexcept {
  if (is_x86_32(machine)) return 4;
  if (machine.starts_with("arm") || machine == "mips" || machine == "ppc") return 4;
  return 8;
}

}  // namespace rspstub::platform::linux_backend
