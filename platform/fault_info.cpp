#include "platform/fault_info.hpp"

#include <cstring>

namespace rspstub::platform {
namespace {

// Linux's numbers (asm-generic/siginfo.h, signal.h); written out so the decoder builds anywhere.
constexpr int kSigIll = 4, kSigTrap = 5, kSigBus = 7, kSigFpe = 8, kSigSegv = 11;
constexpr int kSiUser = 0, kSiKernel = 0x80, kSiQueue = -1, kSiTkill = -6;

template <class T>
T field(std::span<const std::byte> b, std::size_t offset) {
  T v{};
  std::memcpy(&v, b.data() + offset, sizeof v);
  return v;
}

bool fault_signal(int sig) {
  return sig == kSigIll || sig == kSigTrap || sig == kSigBus || sig == kSigFpe || sig == kSigSegv;
}

}  // namespace

std::optional<FaultInfo> decode_linux_siginfo(std::span<const std::byte> bytes) {
  // si_signo @0, si_errno @4, si_code @8, the union @16 (x86-64: 4 bytes of padding before it).
  if (bytes.size() < 24) return std::nullopt;
  FaultInfo f;
  f.signo = field<std::int32_t>(bytes, 0);
  f.code = field<std::int32_t>(bytes, 8);
  if (f.code == kSiUser || f.code == kSiTkill || f.code == kSiQueue) {
    f.sent_by_process = true;
    f.sender_pid = field<std::int32_t>(bytes, 16);
  } else if (fault_signal(f.signo) && f.code > 0) {
    // Positive codes come from the kernel; for these signals the union holds si_addr (SI_KERNEL
    // too: e.g. a general-protection fault, where the kernel reports address 0).
    f.has_address = true;
    f.address = field<std::uint64_t>(bytes, 16);
  }
  return f;
}

std::string describe_fault_code(const FaultInfo& f) {
  if (f.code == kSiTkill) return "sent by tgkill (raise/abort)";
  if (f.code == kSiUser) return "sent by kill";
  if (f.code == kSiQueue) return "sent by sigqueue";
  if (f.code == kSiKernel) return "kernel fault";
  switch (f.signo) {
    case kSigSegv:
      if (f.code == 1) return "address not mapped";
      if (f.code == 2) return "invalid permissions for mapped object";
      break;
    case kSigBus:
      if (f.code == 1) return "invalid address alignment";
      if (f.code == 2) return "nonexistent physical address";
      if (f.code == 3) return "object-specific hardware error";
      break;
    case kSigFpe:
      if (f.code == 1) return "integer divide by zero";
      if (f.code == 2) return "integer overflow";
      if (f.code >= 3 && f.code <= 8) return "floating-point exception";
      break;
    case kSigIll:
      if (f.code == 1) return "illegal opcode";
      if (f.code >= 2 && f.code <= 8) return "illegal instruction";
      break;
    case kSigTrap:
      if (f.code == 1) return "breakpoint";
      break;
    default: break;
  }
  return {};
}

}  // namespace rspstub::platform
