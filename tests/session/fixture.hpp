// A session over a fake process with a known layout:
//   0x400000-0x401000 r-x /usr/bin/demo     0x600000-0x602000 rw- (anonymous)
//   0x602000-0x603000 unmapped              0x603000-0x604000 --- (unreadable)
//   0x604000-0x605000 r--
// threads 0x1092 "demo" (rip 0x400123, rsp 0x7ffc0010 known) and 0x1093 "ticker" (nothing known).
#pragma once

#include <memory>

#include "platform/fake/fake_process.hpp"
#include "stub/session.hpp"
#include "wire.hpp"

namespace rspstub::test {

// Byte at an address in the fake's memory: covers all 256 values, including # $ } *.
inline std::byte pattern_byte(std::uint64_t addr) {
  return static_cast<std::byte>((addr * 7 + (addr >> 8)) & 0xff);
}

inline std::string pattern(std::uint64_t addr, std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s += static_cast<char>(pattern_byte(addr + i));
  return s;
}

inline std::vector<std::byte> pattern_bytes(std::uint64_t addr, std::size_t n) {
  std::vector<std::byte> v;
  for (std::size_t i = 0; i < n; ++i) v.push_back(pattern_byte(addr + i));
  return v;
}

struct SessionFixture {
  static constexpr int kPid = 0x1092;
  static constexpr int kTicker = 0x1093;
  static constexpr std::uint64_t kRip = 0x400123;
  static constexpr std::uint64_t kRsp = 0x7ffc0010;

  platform::fake::FakeProcess proc{kPid};
  stub::SessionConfig config;
  stub::Logger log;
  std::unique_ptr<stub::Session> session;
  std::unique_ptr<Driver> wire;

  SessionFixture() {
    log.set_level(stub::LogLevel::error);
    proc.add_region(0x400000, pattern_bytes(0x400000, 0x1000), true, false, true, "/usr/bin/demo");
    proc.add_region(0x600000, pattern_bytes(0x600000, 0x2000), true, true, false);
    proc.add_region(0x603000, pattern_bytes(0x603000, 0x1000), false, false, false);
    proc.add_region(0x604000, pattern_bytes(0x604000, 0x1000), true, false, false);
    platform::x86_64::Registers main_regs;
    main_regs.set_u64(platform::x86_64::rip, kRip);
    main_regs.set_u64(platform::x86_64::rsp, kRsp);
    proc.add_thread(kPid, "demo", main_regs);
    proc.add_thread(kTicker, "ticker", platform::x86_64::Registers{});
    // AT_PHDR (3) = 0x40002a ('*'), AT_ENTRY (9) = 0x400123 ('#'), AT_NULL.
    proc.set_auxv(auxv_bytes());
    proc.set_executable_path("/usr/bin/demo");
    platform::ProcessInfo info;
    info.pid = kPid;
    info.parent_pid = 1;
    info.real_uid = info.effective_uid = 1000;
    info.real_gid = info.effective_gid = 100;
    info.name = "demo";
    proc.set_info(info);
    restart();
  }

  static std::vector<std::byte> auxv_bytes() {
    std::vector<std::byte> v;
    auto put = [&](std::uint64_t x) {
      for (int i = 0; i < 8; ++i) v.push_back(static_cast<std::byte>((x >> (8 * i)) & 0xff));
    };
    put(3); put(0x40002a); put(9); put(0x400123); put(0); put(0);
    return v;
  }

  // A fresh connection (e.g. after changing config).
  void restart() {
    session = std::make_unique<stub::Session>(proc, config, log);
    wire = std::make_unique<Driver>(Driver{*session});
  }

  // Sends in no-ack mode (after QStartNoAckMode) and returns the checked payload.
  std::string ask(std::string_view payload) { return payload_of(wire->send(payload)); }

  void go_no_ack() {
    wire->start_no_ack();
  }
};

}  // namespace rspstub::test
