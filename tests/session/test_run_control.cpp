// Run control over a scripted process: resume and stop replies (gdb and lldb dialects),
// interrupts, breakpoints and watchpoints, register writes, signals, the end of a process.
#include <boost/test/unit_test.hpp>

#include <algorithm>

#include "protocol/requests_run.hpp"
#include "run_fixture.hpp"

using namespace rspstub::test;
using rspstub::platform::BreakpointType;
using rspstub::platform::ResumeAction;
using rspstub::platform::StopEvent;
using rspstub::platform::StopReason;
using rspstub::platform::WatchKind;

namespace {

const std::string kMainRegs = expedited(RunFixture::kRbp, RunFixture::kRsp, RunFixture::kRip);

std::string le64(std::uint64_t v) {
  std::string bytes;
  for (int i = 0; i < 8; ++i) bytes += static_cast<char>((v >> (8 * i)) & 0xff);
  return to_hex(bytes);
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(run_control, RunFixture)

BOOST_AUTO_TEST_CASE(gdb_opening_reports_the_launch_stop) {
  go_no_ack();
  const std::string features =
      ask("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386");
  for (const char* f : {";QPassSignals+", ";QProgramSignals+", ";qXfer:siginfo:read+",
                        ";swbreak+", ";hwbreak+", ";vContSupported+", ";multiprocess+"})
    BOOST_TEST_CONTEXT(f) { BOOST_TEST(features.find(f) != std::string::npos); }
  BOOST_TEST(ask("vCont?") == "vCont;c;C;s;S;t");
  BOOST_TEST(ask("?") == "T05" + kMainRegs + "thread:p1092.1092;");
  BOOST_TEST(ask("qAttached:1092") == "0");  // we started it: gdb kills it on quit
}

BOOST_AUTO_TEST_CASE(features_not_offered_when_the_client_did_not_ask) {
  go_no_ack();
  const std::string features = ask("qSupported:multiprocess+");
  BOOST_TEST(features.find("swbreak+") == std::string::npos);
  BOOST_TEST(features.find("QPassSignals+") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(gdb_continue_to_a_breakpoint) {
  gdb_handshake();
  BOOST_TEST(ask("Z0,400150,1") == "OK");
  BOOST_TEST(dbg.breakpoints().size() == 1u);
  queue_stop(StopReason::breakpoint, posix_signal::trap, kPid, 0x400150);
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");  // no reply until it stops
  BOOST_TEST(dbg.running());
  BOOST_TEST(deliver() == "T05swbreak:;" + expedited(kRbp, kRsp, 0x400150) +
                              "thread:p1092.1092;");
  BOOST_REQUIRE_EQUAL(dbg.resumes().size(), 1u);
  const auto& acts = dbg.resumes()[0];
  BOOST_REQUIRE_EQUAL(acts.size(), 1u);
  BOOST_TEST(acts[0].tid == -1);
  BOOST_TEST((acts[0].kind == ResumeAction::Kind::cont));
  BOOST_TEST(acts[0].signal == 0);
  BOOST_TEST(ask("z0,400150,1") == "OK");
  BOOST_TEST(dbg.breakpoints().empty());
}

BOOST_AUTO_TEST_CASE(gdb_step_reports_the_stepping_thread) {
  gdb_handshake();
  queue_stop(StopReason::single_step, posix_signal::trap, kTicker, 0x400204);
  BOOST_TEST(send_raw("vCont;s:p1092.1093") == "");
  const std::string stop = deliver();
  BOOST_TEST(stop.starts_with("T05"));
  BOOST_TEST(stop.find("swbreak") == std::string::npos);
  BOOST_TEST(stop.find("10:" + le64(0x400204) + ";thread:p1092.1093;") != std::string::npos);
  const auto& acts = dbg.resumes().at(0);
  BOOST_TEST(acts.at(0).tid == kTicker);
  BOOST_TEST((acts.at(0).kind == ResumeAction::Kind::step));
  // After the stop, g without Hg reads the thread that stopped.
  BOOST_TEST(ask("qC") == "QCp1092.1093");
}

BOOST_AUTO_TEST_CASE(lldb_breakpoint_step_and_thread_list) {
  lldb_handshake();
  queue_stop(StopReason::breakpoint, posix_signal::trap, kPid, 0x400150);
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  BOOST_TEST(deliver() == "T05" + expedited(kRbp, kRsp, 0x400150) +
                              "thread:p1092.1092;threads:1092,1093;thread-pcs:0000000000400150,"
                              "0000000000400200;reason:breakpoint;");
  queue_stop(StopReason::single_step, posix_signal::trap, kPid, 0x400152);
  BOOST_TEST(send_raw("vCont;s:p1092.1092") == "");
  const std::string step = deliver();
  BOOST_TEST(step.ends_with("reason:trace;"));
  BOOST_TEST(step.find("swbreak") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(lldb_without_multiprocess_gets_plain_ids) {
  go_no_ack();
  ask("QThreadSuffixSupported");
  queue_stop(StopReason::signal, posix_signal::segv, kPid, 0x400160);
  BOOST_TEST(send_raw("vCont;c") == "");
  BOOST_TEST(deliver() == "T0b" + expedited(kRbp, kRsp, 0x400160) +
                              "thread:1092;reason:signal;");
  // A signal outside gdb's low range keeps lldb's (host) number: posix_signal::usr1 is 10 = 0x0a.
  queue_stop(StopReason::signal, posix_signal::usr1, kPid, 0x400160);
  BOOST_TEST(send_raw("vCont;C0a:1092") == "");
  BOOST_TEST(dbg.resumes().back().at(0).signal == posix_signal::usr1);
  BOOST_TEST(deliver().starts_with("T0a"));
}

BOOST_AUTO_TEST_CASE(gdb_signal_numbers_are_translated) {
  gdb_handshake();
  queue_stop(StopReason::signal, posix_signal::usr1, kPid, 0x400160);
  BOOST_TEST(send_raw("c") == "");
  BOOST_TEST(deliver().starts_with("T1e"));  // gdb's posix_signal::usr1 is 30
  queue_stop(StopReason::signal, posix_signal::chld, kPid, 0x400160);
  BOOST_TEST(send_raw("vCont;C1e:p1092.1092;c:p1092.-1") == "");
  const auto& acts = dbg.resumes().back();
  BOOST_REQUIRE_EQUAL(acts.size(), 2u);
  BOOST_TEST(acts[0].signal == posix_signal::usr1);
  BOOST_TEST(acts[0].tid == kPid);
  BOOST_TEST(acts[1].tid == -1);
  BOOST_TEST(deliver().starts_with("T14"));  // gdb's posix_signal::chld is 20
}

BOOST_AUTO_TEST_CASE(ack_mode_resume_is_acked_and_answered_later) {
  ask("qSupported:multiprocess+");  // before no-ack: replies carry a leading +
  wire->feed("+");
  queue_stop(StopReason::single_step, posix_signal::trap, kPid, 0x400124);
  BOOST_TEST(wire->send("s") == "+");
  BOOST_TEST(wire->feed("-") == "");  // nothing to repeat while it runs
  const std::string stop = deliver();
  BOOST_TEST(stop.starts_with("T05"));
  BOOST_TEST(dbg.resumes().at(0).at(0).tid == kPid);
}

BOOST_AUTO_TEST_CASE(interrupt_while_running_and_requests_meanwhile) {
  lldb_handshake();
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  BOOST_TEST(ask("m600000,4") == to_hex(pattern(0x600000, 4)));  // reads work while it runs
  BOOST_TEST(ask("vCont;c:p1092.-1").starts_with("E0b;"));  // already running
  BOOST_TEST(wire->feed("\x03") == "");
  BOOST_TEST(dbg.interrupts() == 1);
  BOOST_TEST(deliver() == "T02" + kMainRegs +
                              "thread:p1092.1092;threads:1092,1093;thread-pcs:0000000000400123,"
                              "0000000000400200;reason:signal;");
}

BOOST_AUTO_TEST_CASE(vctrlc_answers_ok_then_the_stop) {
  gdb_handshake();
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  BOOST_TEST(ask("vCtrlC") == "OK");
  BOOST_TEST(dbg.interrupts() == 1);
  BOOST_TEST(deliver() == "T02" + kMainRegs + "thread:p1092.1092;");
}

BOOST_AUTO_TEST_CASE(no_stop_reply_without_a_pending_resume) {
  gdb_handshake();
  BOOST_TEST(session->target_stopped().output.empty());
}

BOOST_AUTO_TEST_CASE(exit_is_reported_with_w_and_kept_for_question_mark) {
  gdb_handshake();
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  dbg.exit_now(3);
  BOOST_TEST(deliver() == "W03;process:1092");
  BOOST_TEST(target->end_reported());
  BOOST_TEST(target->finished());
  BOOST_TEST(ask("?") == "W03;process:1092");
  BOOST_TEST(ask("m600000,4") == "E06");
  BOOST_TEST(ask("vCont;c:p1092.-1") == "E06");
}

BOOST_AUTO_TEST_CASE(death_by_signal_is_reported_with_x) {
  go_no_ack();  // neither multiprocess nor lldb: no process: field
  StopEvent ev;
  ev.kind = StopEvent::Kind::signalled;
  ev.tid = kPid;
  ev.signal = posix_signal::segv;
  dbg.queue_event(ev);
  BOOST_TEST(send_raw("c") == "");
  BOOST_TEST(deliver() == "X0b");
  BOOST_TEST(target->finished());
}

BOOST_AUTO_TEST_CASE(exit_before_anyone_asked_is_kept_for_the_next_client) {
  // The server records an exit while no debugger is connected; the next one learns it from ?.
  StopEvent ev;
  ev.kind = StopEvent::Kind::exited;
  ev.tid = kPid;
  ev.exit_code = 0;
  target->record_event(ev);
  BOOST_TEST(!target->finished());  // nobody was told yet
  lldb_handshake();
  BOOST_TEST(ask("?") == "W00;process:1092");
  BOOST_TEST(target->finished());
}

BOOST_AUTO_TEST_CASE(kill_detach_and_vkill) {
  gdb_handshake();
  BOOST_TEST(ask("vKill;999") == "E08");
  BOOST_TEST(ask("vKill;1092") == "OK");
  BOOST_TEST(dbg.killed());
  BOOST_TEST(target->finished());
}

BOOST_AUTO_TEST_CASE(k_kills_and_ends_the_connection) {
  lldb_handshake();
  BOOST_TEST(wire->send("k") == frame("X09;process:1092"));
  BOOST_TEST(wire->closed);
  BOOST_TEST(dbg.killed());
  BOOST_TEST(!dbg.alive());
}

BOOST_AUTO_TEST_CASE(detach_lets_the_process_run_on) {
  gdb_handshake();
  BOOST_TEST(ask("Z0,400150,1") == "OK");
  BOOST_TEST(ask("D;999") == "E08");
  BOOST_TEST(!wire->closed);
  BOOST_TEST(wire->send("D;1092") == frame("OK"));
  BOOST_TEST(wire->closed);
  BOOST_TEST((dbg.detached_with() == 0));
  BOOST_TEST(dbg.breakpoints().empty());
  BOOST_TEST(target->finished());
}

BOOST_AUTO_TEST_CASE(breakpoints_hide_their_int3_from_reads_and_writes) {
  gdb_handshake();
  BOOST_TEST(ask("Z0,600100,1") == "OK");
  BOOST_TEST(ask("Z0,600100,1") == "OK");  // twice is fine
  BOOST_TEST(dbg.breakpoints().size() == 1u);
  BOOST_TEST(std::to_integer<int>(dbg.raw_contents(0x600100, 1)[0]) == 0xcc);
  BOOST_TEST(ask("m600100,2") == to_hex(pattern(0x600100, 2)));
  BOOST_TEST(ask("M600100,1:aa") == "OK");
  BOOST_TEST(ask("m600100,1") == "aa");
  BOOST_TEST(std::to_integer<int>(dbg.raw_contents(0x600100, 1)[0]) == 0xcc);
  BOOST_TEST(ask("Z0,900000,1") == "E04");  // nothing mapped there
}

BOOST_AUTO_TEST_CASE(watchpoints_and_their_stop_replies) {
  gdb_handshake();
  BOOST_TEST(ask("Z2,600010,4") == "OK");
  BOOST_TEST(ask("Z2,600020,3") == "E0b");  // not a watchable length
  BOOST_TEST(ask("Z3,600030,8") == "OK");
  BOOST_TEST(ask("Z4,600040,1") == "OK");
  BOOST_TEST(ask("Z1,400150,1") == "OK");
  BOOST_TEST(ask("Z2,600050,4") == "E0b");  // all four debug registers taken
  StopEvent ev;
  ev.tid = kPid;
  ev.signal = posix_signal::trap;
  ev.reason = StopReason::watchpoint;
  ev.watch_address = 0x600030;
  ev.watch_kind = WatchKind::read;
  dbg.queue_event(ev);
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  BOOST_TEST(deliver() == "T05rwatch:600030;" + kMainRegs + "thread:p1092.1092;");
  ev.reason = StopReason::hw_breakpoint;
  dbg.queue_event(ev);
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  BOOST_TEST(deliver() == "T05hwbreak:;" + kMainRegs + "thread:p1092.1092;");
  BOOST_TEST(ask("z2,600010,4") == "OK");
  BOOST_TEST(dbg.breakpoints().size() == 3u);
}

BOOST_AUTO_TEST_CASE(lldb_watchpoint_stop_has_reason_and_description) {
  lldb_handshake();
  BOOST_TEST(ask("qWatchpointSupportInfo:") == "num:4;");
  BOOST_TEST(ask("Z2,600010,4") == "OK");
  StopEvent ev;
  ev.tid = kPid;
  ev.signal = posix_signal::trap;
  ev.reason = StopReason::watchpoint;
  ev.watch_address = 0x600010;
  dbg.queue_event(ev);
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  const std::string stop = deliver();
  BOOST_TEST(stop.starts_with("T05watch:600010;"));
  BOOST_TEST(stop.ends_with("reason:watchpoint;description:" + to_hex("6291472") + ";"));
}

BOOST_AUTO_TEST_CASE(register_writes) {
  gdb_handshake();
  BOOST_TEST(ask("P10=5001400000000000") == "OK");
  BOOST_TEST(ask("p10") == "5001400000000000");
  BOOST_TEST(ask("P10=50014000") == "E01");  // not the register's size
  BOOST_TEST(ask("P99=00") == "E09");
  BOOST_TEST(ask("P10=5001400000000000;thread:p1092.1093;") == "OK");  // lldb's suffix form
  BOOST_TEST(ask("Hgp1092.1093") == "OK");
  BOOST_TEST(ask("p10") == "5001400000000000");
  // G: the whole image read with g, one register changed, written back.
  std::string image = ask("g");
  BOOST_REQUIRE_EQUAL(image.size(), 560u * 2);
  image.replace(0, 16, le64(0x1122334455667788));
  BOOST_TEST(ask("G" + image) == "OK");
  BOOST_TEST(ask("p0") == le64(0x1122334455667788));
  BOOST_TEST(ask("G123") == "E01");
  BOOST_TEST(dbg.register_writes() == 3);
}

BOOST_AUTO_TEST_CASE(legacy_resume_forms) {
  gdb_handshake();
  queue_stop(StopReason::breakpoint, posix_signal::trap, kPid, 0x400170);
  BOOST_TEST(send_raw("c400160") == "");  // resume at an address: the PC is set first
  BOOST_TEST(dbg.register_writes() == 1);
  deliver();
  BOOST_TEST(ask("Hcp1092.1093") == "OK");
  queue_stop(StopReason::single_step, posix_signal::trap, kTicker, 0x400204);
  BOOST_TEST(send_raw("S0b") == "");  // step the Hc thread with posix_signal::segv
  const auto& acts = dbg.resumes().back();
  BOOST_TEST(acts.at(0).tid == kTicker);
  BOOST_TEST(acts.at(0).signal == posix_signal::segv);
  BOOST_TEST((acts.at(0).kind == ResumeAction::Kind::step));
  deliver();
  queue_stop(StopReason::signal, posix_signal::int_, kPid, 0x400170);
  BOOST_TEST(send_raw("C02;400180") == "");
  BOOST_TEST(dbg.resumes().back().at(0).signal == posix_signal::int_);
  BOOST_TEST(dbg.resumes().back().at(0).tid == -1);
}

BOOST_AUTO_TEST_CASE(pass_and_program_signals) {
  gdb_handshake();
  BOOST_TEST(ask("QPassSignals:e;14;1e;") == "OK");  // gdb: ALRM, CHLD, USR1
  BOOST_TEST((dbg.pass_signals() == std::vector<int>{posix_signal::alrm, posix_signal::chld, posix_signal::usr1}));
  BOOST_TEST(ask("QPassSignals:") == "OK");
  BOOST_TEST(dbg.pass_signals().empty());
  BOOST_TEST(ask("QProgramSignals:0;1;3;4;6") == "OK");
  BOOST_TEST(ask("QPassSignals:zz") == "E01");
}

BOOST_AUTO_TEST_CASE(siginfo_of_the_stopped_thread) {
  gdb_handshake();
  queue_stop(StopReason::breakpoint, posix_signal::trap, kPid, 0x400150);
  send_raw("vCont;c:p1092.-1");
  deliver();
  const std::string reply = ask("qXfer:siginfo:read::0,200");
  BOOST_REQUIRE(!reply.empty());
  BOOST_TEST(reply[0] == 'l');
  const std::string info = unescape(reply.substr(1));
  BOOST_REQUIRE_EQUAL(info.size(), 128u);
  BOOST_TEST(int(info[0]) == posix_signal::trap);
  BOOST_TEST(int(info[8]) == 1);  // TRAP_BRKPT
  BOOST_TEST(ask("qXfer:siginfo:read::0,10").starts_with("m"));
}

BOOST_AUTO_TEST_CASE(jthreadsinfo_as_lldb_server_sends_it) {
  lldb_handshake();
  queue_stop(StopReason::breakpoint, posix_signal::trap, kPid, 0x400150);
  send_raw("vCont;c:p1092.-1");
  deliver();
  const std::string json = unescape(ask("jThreadsInfo"));
  BOOST_TEST(json == "[{\"name\":\"demo\",\"reason\":\"breakpoint\",\"registers\":{\"16\":\"" +
                         le64(0x400150) + "\",\"6\":\"" + le64(kRbp) + "\",\"7\":\"" +
                         le64(kRsp) + "\"},\"signal\":5,\"tid\":4242},{\"name\":\"ticker\","
                         "\"registers\":{\"16\":\"" + le64(0x400200) + "\",\"6\":\"" + le64(0) +
                         "\",\"7\":\"" + le64(0) + "\"},\"tid\":4243}]");
  BOOST_TEST(ask("qThreadStopInfo1093").starts_with("T00"));
  BOOST_TEST(ask("qThreadStopInfo1092").ends_with("reason:breakpoint;"));
}

BOOST_AUTO_TEST_CASE(malformed_run_packets_get_e01) {
  gdb_handshake();
  for (const char* bad : {"vCont;x", "vCont;", "vCont;c;", "vCont;c:zz", "vCont;C", "vCont;C123",
                          "vCont;cc", "Czz", "C05;", "czz", "Sxyz", "Z9,1,1", "Z0,1",
                          "P10=123", "Pzz=00", "P10", "QPassSignals:1;;2", "D;zz", "Dx",
                          "vKill;zz", "qThreadStopInfozz"})
    BOOST_TEST_CONTEXT(bad) { BOOST_TEST(ask(bad) == "E01"); }
  BOOST_TEST(dbg.resumes().empty());
  BOOST_TEST(!dbg.running());
}

BOOST_AUTO_TEST_CASE(bad_threads_and_signals_are_refused) {
  gdb_handshake();
  BOOST_TEST(ask("vCont;c:p1092.777") == "E08");
  BOOST_TEST(ask("vCont;c:p999.-1") == "E08");
  BOOST_TEST(ask("vCont;C8f") == "E0b");  // gdb's "unknown signal" has no host number
  BOOST_TEST(ask("vCont;s:p1092.1092;s:p1092.1093") == "E0b");  // two threads cannot step
  BOOST_TEST(ask("vCont;t") == "E0b");  // all-stop: nothing would run, no stop would come
  BOOST_TEST(dbg.resumes().empty());
}

BOOST_AUTO_TEST_CASE(read_only_refuses_writes_but_runs) {
  config.read_only = true;
  restart();
  gdb_handshake();
  BOOST_TEST(ask("Z0,400150,1") == "E0c");
  BOOST_TEST(ask("z0,400150,1") == "E0c");
  BOOST_TEST(ask("M600000,1:aa") == "E0c");
  BOOST_TEST(ask("X600000,1:a") == "E0c");
  BOOST_TEST(ask("P10=0000000000000000") == "E0c");
  BOOST_TEST(ask("G00") == "E0c");
  BOOST_TEST(dbg.breakpoints().empty());
  BOOST_TEST(dbg.register_writes() == 0);
  queue_stop(StopReason::single_step, posix_signal::trap, kPid, 0x400124);
  BOOST_TEST(send_raw("vCont;s:p1092.1092") == "");
  BOOST_TEST(deliver().starts_with("T05"));
}

BOOST_AUTO_TEST_CASE(vcont_action_count_is_bounded) {
  gdb_handshake();
  std::string most = "vCont";
  for (std::size_t i = 0; i < rspstub::protocol::kMaxVContActions; ++i) most += ";c:p1092.1092";
  BOOST_TEST(send_raw(most) == "");  // 4096 actions naming one thread: it runs
  BOOST_TEST(dbg.resumes().size() == 1u);
  BOOST_TEST(dbg.resumes().at(0).size() == rspstub::protocol::kMaxVContActions);
  queue_stop(StopReason::interrupt, posix_signal::int_, kPid, kRip);
  BOOST_TEST(wire->feed("\x03") == "");
  BOOST_TEST(deliver().starts_with("T02"));
  BOOST_TEST(ask(most + ";c") == "E03");  // one more: refused, nothing resumed
  BOOST_TEST(dbg.resumes().size() == 1u);
}

std::string hex_of(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(v));
  return buf;
}

BOOST_AUTO_TEST_CASE(software_breakpoints_are_bounded) {
  gdb_handshake();
  for (std::size_t i = 0; i < rspstub::platform::kMaxSoftwareBreakpoints; ++i) {
    if (ask("Z0," + hex_of(0x600000 + i) + ",1") != "OK") {
      BOOST_TEST_FAIL("Z0 number " << i << " refused");
      break;
    }
  }
  BOOST_TEST(ask("Z0,601800,1") == "E0b");              // one more distinct address
  BOOST_TEST(ask("Z0,600000,1") == "OK");               // one that exists: fine
  BOOST_TEST(ask("z0,600000,1") == "OK");
  BOOST_TEST(ask("Z0,601800,1") == "OK");               // room again
  BOOST_TEST(dbg.breakpoints().size() == rspstub::platform::kMaxSoftwareBreakpoints);
}

BOOST_AUTO_TEST_CASE(remove_all_breakpoints_needs_a_stop_and_clears_every_kind) {
  gdb_handshake();
  BOOST_TEST(ask("Z0,400150,1") == "OK");
  BOOST_TEST(ask("Z2,600100,8") == "OK");
  BOOST_TEST(send_raw("vCont;c:p1092.-1") == "");
  BOOST_TEST((dbg.remove_all_breakpoints() == rspstub::platform::Error::not_supported));  // running
  queue_stop(StopReason::interrupt, posix_signal::int_, kPid, kRip);
  BOOST_TEST(wire->feed("\x03") == "");
  deliver();
  BOOST_TEST((dbg.remove_all_breakpoints() == rspstub::platform::Error::none));
  BOOST_TEST(dbg.breakpoints().empty());
}

BOOST_AUTO_TEST_CASE(attach_stop_is_signal_0_for_gdb_and_sigstop_for_lldb) {
  rspstub::platform::StopEvent initial;
  initial.tid = kPid;
  initial.signal = 0;
  target.emplace(dbg, initial);
  restart();
  gdb_handshake();
  BOOST_TEST(ask("?").starts_with("T00"));
  BOOST_TEST(ask("qAttached:1092") == "1");
  restart();
  lldb_handshake();
  BOOST_TEST(ask("?").starts_with("T13"));
}

BOOST_AUTO_TEST_SUITE_END()
