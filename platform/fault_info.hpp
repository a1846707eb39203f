// What a siginfo says about a fatal signal: who sent it, and for a fault, the address. Decodes
// the bytes Debuggee::siginfo() returns (the Linux x86-64 layout; pure, any host can run it).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace rspstub::platform {

struct FaultInfo {
  int signo = 0;
  int code = 0;                 // si_code
  bool has_address = false;     // a fault (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP from the CPU)
  std::uint64_t address = 0;    // si_addr: the faulting address (memory or instruction)
  bool sent_by_process = false; // kill, tgkill, raise, abort, sigqueue: si_pid is the sender
  int sender_pid = 0;
};

// nullopt when `bytes` is shorter than the 24 bytes that hold the fields used.
std::optional<FaultInfo> decode_linux_siginfo(std::span<const std::byte> bytes);

// A short human phrase for the si_code: "address not mapped", "integer divide by zero",
// "sent by tgkill (raise/abort)", ...; empty when there is nothing useful to say.
std::string describe_fault_code(const FaultInfo& info);

}  // namespace rspstub::platform
