// Extended-remote (--multi) over scripted processes: !, vRun, vAttach, vKill, k, D, the launch
// settings (environment, working directory, shell, ASLR), and what a client gets while there is
// no process.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <csignal>
#include <deque>
#include <memory>

#include "platform/fake/fake_debuggee.hpp"
#include "stub/process_source.hpp"
#include "stub/target.hpp"
#include "wire.hpp"

using namespace rspstub::test;
using rspstub::platform::Error;
using rspstub::platform::LaunchSpec;
namespace fake = rspstub::platform::fake;
namespace stub = rspstub::stub;
namespace platform = rspstub::platform;

namespace {

// Hands out FakeDebuggees (one main thread, pid = tid), remembering every request. The test
// keeps a pointer to each process made (owned by the Target once adopted: valid only while the
// Target holds it) and, for after that, how each one ended.
struct FakeSource final : stub::ProcessSource {
  struct Ending {
    bool destroyed = false;
    bool killed = false;
    std::optional<int> detached_with;
  };
  int next_pid = 0x2000;
  Error launch_error = Error::none;  // fail the next launches with this
  std::vector<LaunchSpec> launches;
  std::vector<int> attaches;
  std::vector<fake::FakeDebuggee*> made;
  std::deque<Ending> endings;  // deque: the destroy callbacks keep references

  std::unique_ptr<platform::Debuggee> make(int pid) {
    auto d = std::make_unique<fake::FakeDebuggee>(pid);
    platform::x86_64::Registers regs;
    regs.set_u64(platform::x86_64::rip, 0x401000);
    d->process().add_thread(pid, "prog", regs);
    made.push_back(d.get());
    Ending& ending = endings.emplace_back();
    d->set_on_destroy([&ending](const fake::FakeDebuggee& gone) {
      ending = {true, gone.killed(), gone.detached_with()};
    });
    return d;
  }
  bool killed(std::size_t i) const {
    return endings.at(i).destroyed ? endings[i].killed : made.at(i)->killed();
  }
  std::optional<int> detached_with(std::size_t i) const {
    return endings.at(i).destroyed ? endings[i].detached_with : made.at(i)->detached_with();
  }
  platform::Result<std::unique_ptr<platform::Debuggee>> launch(const LaunchSpec& spec,
                                                              std::string& message) override {
    launches.push_back(spec);
    if (launch_error != Error::none) {
      message = "cannot execute " + spec.argv.front();
      return launch_error;
    }
    return make(next_pid++);
  }
  platform::Result<std::unique_ptr<platform::Debuggee>> attach(int pid) override {
    attaches.push_back(pid);
    if (pid == 0x666) return Error::permission;
    if (pid == 0x777) return Error::process_gone;
    return make(pid);
  }
};

struct ExtendedFixture {
  FakeSource source;
  stub::Target target;
  stub::SessionConfig config;
  stub::Logger log;
  std::unique_ptr<stub::Session> session;
  std::unique_ptr<Driver> wire;

  ExtendedFixture() {
    log.set_level(stub::LogLevel::error);
    config.no_stop = false;
    target.enable_extended(source);
    connect();
  }
  void connect() {
    session = std::make_unique<stub::Session>(target, config, log);
    wire = std::make_unique<Driver>(Driver{*session});
    wire->start_no_ack();
  }
  std::string ask(std::string_view payload) { return payload_of(wire->send(payload)); }
  std::string gdb_open() {
    return ask("qSupported:multiprocess+;swbreak+;hwbreak+;vContSupported+;xmlRegisters=i386");
  }
  void lldb_open() {
    ask("qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;vfork-events+");
    ask("QThreadSuffixSupported");
    ask("QListThreadsInStopReply");
  }
  // What the server does on SIGCHLD.
  std::string deliver() {
    auto event = target.debuggee()->poll_event();
    if (!event) return "<no event>";
    target.record_event(*event);
    const auto step = session->target_stopped();
    return step.output.empty() ? std::string() : payload_of(step.output);
  }
  static std::string vrun(std::initializer_list<std::string_view> argv) {
    std::string p = "vRun";
    for (auto a : argv) p += ";" + to_hex(a);
    return p;
  }
};

bool has_var(const LaunchSpec& spec, const std::string& assignment) {
  return spec.env && std::ranges::find(*spec.env, assignment) != spec.env->end();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(extended, ExtendedFixture)

BOOST_AUTO_TEST_CASE(gdb_opening_without_a_process) {
  const std::string features = gdb_open();
  for (const char* f : {";QEnvironmentHexEncoded+", ";QEnvironmentUnset+", ";QEnvironmentReset+",
                        ";QStartupWithShell+", ";QSetWorkingDir+", ";QDisableRandomization+",
                        ";QPassSignals+", ";QProgramSignals+", ";multiprocess+", ";swbreak+"})
    BOOST_TEST_CONTEXT(f) { BOOST_TEST(features.find(f) != std::string::npos); }
  BOOST_TEST(ask("!") == "OK");
  BOOST_TEST(ask("QProgramSignals:0;1;3;4;6;7;8;9;a") == "OK");
  BOOST_TEST(ask("Hgp2000.2000") == "E06");
  BOOST_TEST(ask("?") == "W00");  // gdbserver --multi's "no process"
  BOOST_TEST(ask("vCont?") == "vCont;c;C;s;S;t");
}

BOOST_AUTO_TEST_CASE(without_a_process_every_request_gets_E06) {
  gdb_open();
  for (const char* p : {"m400000,4", "M400000,1:00", "g", "p10", "P10=0000000000000000",
                        "qC", "qfThreadInfo", "Z0,400000,1", "z0,400000,1", "vCont;c",
                        "c", "s", "vKill;2000", "D", "D;2000", "vCtrlC",
                        "qWatchpointSupportInfo:", "qXfer:auxv:read::0,100"})
    BOOST_TEST_CONTEXT(p) { BOOST_TEST(ask(p) == "E06"); }
  BOOST_TEST(ask("?") == "W00");  // and the session is still usable
}

BOOST_AUTO_TEST_CASE(vrun_launches_and_reports_the_entry_stop) {
  gdb_open();
  ask("!");
  const std::string stop = ask(vrun({"/bin/prog", "a b", ""}));
  BOOST_TEST(stop.starts_with("T05"));
  BOOST_TEST(stop.find("thread:p2000.2000;") != std::string::npos);
  BOOST_REQUIRE_EQUAL(source.launches.size(), 1u);
  const std::vector<std::string> argv{"/bin/prog", "a b", ""};
  BOOST_TEST(source.launches[0].argv == argv, boost::test_tools::per_element());
  BOOST_TEST(ask("qAttached:2000") == "0");
  BOOST_TEST(ask("qC") == "QCp2000.2000");
  BOOST_TEST(ask("?") == stop);
}

BOOST_AUTO_TEST_CASE(vrun_with_an_empty_program_runs_the_last_one) {
  gdb_open();
  BOOST_TEST(ask("vRun;") == "E0b");  // nothing run before
  BOOST_TEST(source.launches.empty());
  target.set_last_program({"/bin/first", "x"});
  BOOST_TEST(ask("vRun;;" + to_hex("y")).starts_with("T05"));
  const std::vector<std::string> argv{"/bin/first", "y"};
  BOOST_TEST(source.launches.back().argv == argv, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(vrun_replaces_the_previous_process) {
  gdb_open();
  ask(vrun({"/bin/prog"}));
  ask(vrun({"/bin/prog"}));
  BOOST_REQUIRE_EQUAL(source.made.size(), 2u);
  BOOST_TEST(target.process().pid() == 0x2001);
  BOOST_TEST(ask("qC") == "QCp2001.2001");
}

BOOST_AUTO_TEST_CASE(vrun_bad_input_is_refused_and_the_server_stays_usable) {
  gdb_open();
  BOOST_TEST(ask("vRun;2f62696") == "E01");        // odd length
  BOOST_TEST(ask("vRun;2f62zz") == "E01");         // not hex
  BOOST_TEST(ask("vRun;2f0062") == "E0b");         // a NUL in the program name
  BOOST_TEST(source.launches.empty());
  source.launch_error = Error::invalid_argument;   // e.g. not executable
  BOOST_TEST(ask(vrun({"/nonexistent"})) == "E0b");
  BOOST_TEST(ask("?") == "W00");
  source.launch_error = Error::none;
  BOOST_TEST(ask(vrun({"/bin/prog"})).starts_with("T05"));
}

BOOST_AUTO_TEST_CASE(launch_settings_reach_the_launch) {
  gdb_open();
  BOOST_TEST(ask("QEnvironmentHexEncoded:" + to_hex("MULTI_X=1")) == "OK");
  BOOST_TEST(ask("QEnvironment:MULTI_Y=two words") == "OK");     // lldb's plain form
  BOOST_TEST(ask("QEnvironmentHexEncoded:" + to_hex("MULTI_X=2")) == "OK");  // replaces
  BOOST_TEST(ask("QSetWorkingDir:" + to_hex("/tmp")) == "OK");
  BOOST_TEST(ask("QStartupWithShell:1") == "OK");
  BOOST_TEST(ask("QDisableRandomization:1") == "OK");
  ask(vrun({"/bin/prog"}));
  const LaunchSpec& spec = source.launches.back();
  BOOST_TEST(has_var(spec, "MULTI_X=2"));
  BOOST_TEST(!has_var(spec, "MULTI_X=1"));
  BOOST_TEST(has_var(spec, "MULTI_Y=two words"));
  BOOST_TEST(spec.working_dir == "/tmp");
  BOOST_TEST(spec.use_shell);
  BOOST_TEST(spec.disable_aslr);

  BOOST_TEST(ask("QEnvironmentUnset:" + to_hex("MULTI_Y")) == "OK");
  BOOST_TEST(ask("QSetWorkingDir:") == "OK");
  BOOST_TEST(ask("QStartupWithShell:0") == "OK");
  BOOST_TEST(ask("QSetDisableASLR:0") == "OK");  // lldb's name for the same setting
  ask(vrun({"/bin/prog"}));
  const LaunchSpec& second = source.launches.back();
  BOOST_TEST(has_var(second, "MULTI_X=2"));
  BOOST_TEST(!has_var(second, "MULTI_Y=two words"));
  BOOST_TEST(second.working_dir.empty());
  BOOST_TEST(!second.use_shell);
  BOOST_TEST(!second.disable_aslr);

  BOOST_TEST(ask("QEnvironmentReset") == "OK");  // back to the stub's own environment
  ask(vrun({"/bin/prog"}));
  BOOST_TEST(!source.launches.back().env.has_value());
}

BOOST_AUTO_TEST_CASE(launch_settings_bad_input) {
  gdb_open();
  BOOST_TEST(ask("QEnvironmentHexEncoded:4d5") == "E01");
  BOOST_TEST(ask("QEnvironmentHexEncoded:" + to_hex("NOEQUALS")) == "E0b");
  BOOST_TEST(ask("QEnvironmentHexEncoded:" + to_hex("=x")) == "E0b");
  BOOST_TEST(ask("QEnvironment:NOEQUALS") == "E0b");
  BOOST_TEST(ask("QEnvironmentUnset:") == "E0b");
  BOOST_TEST(ask("QEnvironmentUnset:zz") == "E01");
  BOOST_TEST(ask("QSetWorkingDir:2f00") == "E0b");
  BOOST_TEST(ask("QStartupWithShell:2") == "E01");
  BOOST_TEST(ask("QDisableRandomization:") == "E01");
  BOOST_TEST(ask("QSetDisableASLR:yes") == "E01");
  BOOST_TEST(ask(vrun({"/bin/prog"})).starts_with("T05"));
  BOOST_TEST(!source.launches.back().env.has_value());  // nothing bad was kept
}

BOOST_AUTO_TEST_CASE(vattach_stops_the_process) {
  gdb_open();
  const std::string stop = ask("vAttach;1234");
  BOOST_TEST(stop.starts_with("T00"));
  BOOST_TEST(stop.find("thread:p1234.1234;") != std::string::npos);
  BOOST_TEST(source.attaches == std::vector<int>{0x1234}, boost::test_tools::per_element());
  BOOST_TEST(ask("qAttached:1234") == "1");
  BOOST_TEST(ask("vAttach;666") == "E05");
  BOOST_TEST(ask("vAttach;777") == "E06");
  BOOST_TEST(ask("vAttach;0") == "E0b");
  BOOST_TEST(ask("vAttach;xyz") == "E01");
  BOOST_TEST(ask("?") == "W00");  // the failed attaches let go of the old process first
  // The attached one was detached, not killed.
  BOOST_TEST(source.detached_with(0).has_value());
  BOOST_TEST(!source.killed(0));
}

BOOST_AUTO_TEST_CASE(vkill_keeps_the_server_and_the_connection) {
  gdb_open();
  ask(vrun({"/bin/prog"}));
  BOOST_TEST(ask("vKill;2001") == "E08");
  BOOST_TEST(ask("vKill;2000") == "OK");
  BOOST_TEST(source.killed(0));
  BOOST_TEST(!session->state().close_after_reply);
  BOOST_TEST(!target.finished());
  BOOST_TEST(ask("?") == "W00");
  BOOST_TEST(ask("m401000,1") == "E06");
  BOOST_TEST(ask(vrun({"/bin/prog"})).find("thread:p2001.2001;") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(gdb_k_kills_without_a_reply_and_keeps_the_connection) {
  gdb_open();
  ask(vrun({"/bin/prog"}));
  BOOST_TEST(wire->send("k") == "");  // gdb reads nothing after k
  BOOST_TEST(source.killed(0));
  BOOST_TEST(!session->state().close_after_reply);
  BOOST_TEST(ask("?") == "W00");
}

BOOST_AUTO_TEST_CASE(lldb_k_gets_its_reply_and_keeps_the_connection) {
  lldb_open();
  ask(vrun({"/bin/prog"}));
  BOOST_TEST(ask("k") == "X09;process:2000");
  BOOST_TEST(source.killed(0));
  BOOST_TEST(!session->state().close_after_reply);
}

BOOST_AUTO_TEST_CASE(detach_keeps_the_connection_in_extended_mode) {
  gdb_open();
  ask("vAttach;1234");
  BOOST_TEST(ask("D;1234") == "OK");
  BOOST_TEST((source.detached_with(0) == std::optional<int>(0)));
  BOOST_TEST(!session->state().close_after_reply);
  BOOST_TEST(ask("?") == "W00");
}

BOOST_AUTO_TEST_CASE(exit_is_reported_and_the_server_lives_on) {
  gdb_open();
  ask(vrun({"/bin/prog"}));
  BOOST_TEST(ask("QPassSignals:e;10") == "OK");
  source.made[0]->exit_now(3);
  BOOST_TEST(wire->send("vCont;c:p2000.-1") == "");
  BOOST_TEST(deliver() == "W03;process:2000");
  BOOST_TEST(!target.finished());  // a non-extended server would end once the client leaves
  BOOST_TEST(ask(vrun({"/bin/prog"})).starts_with("T05"));
  // Pass signals set earlier apply to the new process too.
  BOOST_TEST(source.made[1]->pass_signals().size() == 2u);
}

BOOST_AUTO_TEST_CASE(a_new_connection_finds_the_process) {
  gdb_open();
  ask(vrun({"/bin/prog"}));
  connect();
  gdb_open();
  BOOST_TEST(ask("?").starts_with("T05"));
  BOOST_TEST(ask("!") == "OK");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_CASE(extended_packets_are_unsupported_without_multi) {
  stub::Target target;  // --attach --no-stop style target: not extended
  stub::SessionConfig config;
  stub::Logger log;
  log.set_level(stub::LogLevel::error);
  stub::Session session(target, config, log);
  Driver wire{session};
  for (const char* p : {"!", "vRun;2f62696e2f7472756500", "vAttach;1", "QEnvironmentReset",
                        "QStartupWithShell:1", "QSetWorkingDir:", "QDisableRandomization:1"})
    BOOST_TEST_CONTEXT(p) { BOOST_TEST(payload_of(wire.send(p), true) == ""); }
}
