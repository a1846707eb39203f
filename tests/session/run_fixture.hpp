// A session over a controlled (scripted) process: the FakeDebuggee with the same layout as
// fixture.hpp (see there), stopped after launch with posix_signal::trap. deliver() plays the server: it
// collects the debuggee's event, records it in the Target and hands the session its stop.
#pragma once

#include <memory>
#include <optional>

#include "fixture.hpp"
#include "platform/fake/fake_debuggee.hpp"
#include "platform/signal_numbers.hpp"
#include "stub/target.hpp"

namespace rspstub::test {

namespace posix_signal = platform::posix_signal;

struct RunFixture {
  static constexpr int kPid = 0x1092;
  static constexpr int kTicker = 0x1093;
  static constexpr std::uint64_t kRip = 0x400123;
  static constexpr std::uint64_t kRsp = 0x7ffc0010;
  static constexpr std::uint64_t kRbp = 0x7ffc0100;

  platform::fake::FakeDebuggee dbg{kPid};
  std::optional<stub::Target> target;
  stub::SessionConfig config;
  stub::Logger log;
  std::unique_ptr<stub::Session> session;
  std::unique_ptr<Driver> wire;

  RunFixture() {
    log.set_level(stub::LogLevel::error);
    config.no_stop = false;
    auto& proc = dbg.process();
    proc.add_region(0x400000, pattern_bytes(0x400000, 0x1000), true, false, true, "/usr/bin/demo");
    proc.add_region(0x600000, pattern_bytes(0x600000, 0x2000), true, true, false);
    platform::x86_64::Registers main_regs;
    main_regs.set_u64(platform::x86_64::rip, kRip);
    main_regs.set_u64(platform::x86_64::rsp, kRsp);
    main_regs.set_u64(platform::x86_64::rbp, kRbp);
    proc.add_thread(kPid, "demo", main_regs);
    platform::x86_64::Registers ticker_regs;
    ticker_regs.set_u64(platform::x86_64::rip, 0x400200);
    proc.add_thread(kTicker, "ticker", ticker_regs);
    platform::ProcessInfo info;
    info.pid = kPid;
    info.name = "demo";
    proc.set_info(info);
    platform::StopEvent initial;
    initial.tid = kPid;
    initial.signal = posix_signal::trap;
    target.emplace(dbg, initial);
    target->set_launched(true);
    restart();
  }

  void restart() {
    session = std::make_unique<stub::Session>(*target, config, log);
    wire = std::make_unique<Driver>(Driver{*session});
  }

  std::string ask(std::string_view payload) { return payload_of(wire->send(payload)); }
  // Sends a packet that must get no reply now (a resume); returns what came back (expect "").
  std::string send_raw(std::string_view payload) { return wire->send(payload); }

  void go_no_ack() {
    wire->start_no_ack();
  }
  void gdb_handshake() {
    go_no_ack();
    ask("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386");
  }
  void lldb_handshake() {
    go_no_ack();
    ask("qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;vfork-events+");
    ask("QThreadSuffixSupported");
    ask("QListThreadsInStopReply");
    ask("QEnableErrorStrings");
  }

  // What the server does on the event signal. Returns the stop reply's payload ("" if none).
  std::string deliver() {
    auto event = dbg.poll_event();
    if (!event) return "<no event>";
    target->record_event(*event);
    const auto step = session->target_stopped();
    return step.output.empty() ? std::string() : payload_of(step.output);
  }

  // Queues a stop of `tid` at `pc` for the next resume.
  void queue_stop(platform::StopReason reason, int signal, int tid, std::uint64_t pc) {
    platform::StopEvent ev;
    ev.tid = tid;
    ev.signal = signal;
    ev.reason = reason;
    dbg.queue_event(ev);
    dbg.set_pc(tid, pc);
  }
};

// "06:<rbp>;07:<rsp>;10:<rip>;" as the stub expedites them (little-endian hex).
inline std::string expedited(std::uint64_t rbp, std::uint64_t rsp, std::uint64_t rip) {
  auto le = [](std::uint64_t v) {
    std::string bytes;
    for (int i = 0; i < 8; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xff);
    return to_hex(bytes);
  };
  return "06:" + le(rbp) + ";07:" + le(rsp) + ";10:" + le(rip) + ";";
}

}  // namespace rspstub::test
