// qXfer:libraries:read (the DLL list gdb for Windows reads) over a fake process that lists
// modules as the Windows backend does: advertising, the XML, the +0x1000 segment address,
// escaping, paging from one snapshot, and the unchanged behaviour of backends without modules.
#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "fixture.hpp"
#include "platform/host.hpp"

using namespace rspstub;
using namespace rspstub::test;

namespace {

const std::vector<platform::LoadedModule> kModules = {
    {"C:\\windows\\system32\\ntdll.dll", 0x7ffb10000000},
    {"C:\\windows\\system32\\kernel32.dll", 0x7ffb0f000000},
};

struct DllListFixture {
  platform::fake::FakeProcess proc{0x1f4};
  stub::SessionConfig config;
  stub::Logger log;
  std::unique_ptr<stub::Session> session;
  std::unique_ptr<Driver> wire;

  DllListFixture() {
    log.set_level(stub::LogLevel::error);
    proc.add_thread(0x1f4, "main", platform::x86_64::Registers{});
  }

  void start() {
    session = std::make_unique<stub::Session>(proc, config, log);
    wire = std::make_unique<Driver>(Driver{*session});
    wire->start_no_ack();
  }

  std::string ask(std::string_view payload) { return payload_of(wire->send(payload)); }
};

// The document for `modules`, spelled out here independently of the stub's builder.
std::string expected_xml(const std::vector<platform::LoadedModule>& modules) {
  std::string xml = "<library-list version=\"1.0\">";
  for (const auto& m : modules) {
    char addr[32];
    std::snprintf(addr, sizeof addr, "0x%llx", static_cast<unsigned long long>(m.base + 0x1000));
    xml += "<library name=\"" + m.name + "\"><segment address=\"" + addr + "\"/></library>";
  }
  return xml + "</library-list>";
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(dll_list, DllListFixture)

BOOST_AUTO_TEST_CASE(advertised_when_the_process_lists_modules) {
  proc.set_loaded_modules(kModules);
  start();
  BOOST_TEST(ask("qSupported:multiprocess+;xmlRegisters=i386").find(";qXfer:libraries:read+") !=
             std::string::npos);
}

BOOST_AUTO_TEST_CASE(backend_without_modules_is_unchanged) {
  start();
  const std::string supported = ask("qSupported:multiprocess+;xmlRegisters=i386");
  // A host whose processes list modules (Windows) advertises it anyway (--multi, no process).
  const bool host_lists = platform::host_info().lists_loaded_modules;
  BOOST_TEST((supported.find(";qXfer:libraries:read+") != std::string::npos) == host_lists);
  // Not served: the empty reply of an unknown object, as before the DLL list existed.
  BOOST_TEST(ask("qXfer:libraries:read::0,1000") == "");
}

BOOST_AUTO_TEST_CASE(list_gives_segment_at_base_plus_0x1000) {
  proc.set_loaded_modules(kModules);
  start();
  const std::string r = ask("qXfer:libraries:read::0,1000");
  BOOST_TEST(r == "l" + expected_xml(kModules));
  BOOST_TEST(r.find("<segment address=\"0x7ffb10001000\"/>") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_list) {
  proc.set_loaded_modules({});
  start();
  BOOST_TEST(ask("qXfer:libraries:read::0,1000") ==
             "l<library-list version=\"1.0\"></library-list>");
}

BOOST_AUTO_TEST_CASE(names_are_xml_escaped) {
  proc.set_loaded_modules({{"C:\\a&b\\<x>\"q\".dll", 0x10000}});
  start();
  BOOST_TEST(ask("qXfer:libraries:read::0,1000").find(
                 "name=\"C:\\a&amp;b\\&lt;x&gt;&quot;q&quot;.dll\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(paged_from_one_snapshot) {
  proc.set_loaded_modules(kModules);
  start();
  const std::string whole = expected_xml(kModules);
  const std::string first = ask("qXfer:libraries:read::0,30");
  BOOST_REQUIRE(first.size() == 0x31u);
  BOOST_TEST(first[0] == 'm');
  // A DLL unloads between two pages: the rest still comes from the first snapshot.
  proc.set_loaded_modules({kModules[0]});
  std::string got = first.substr(1);
  for (int guard = 0; guard < 1000; ++guard) {
    char req[64];
    std::snprintf(req, sizeof req, "qXfer:libraries:read::%zx,30", got.size());
    const std::string r = ask(req);
    BOOST_REQUIRE(!r.empty());
    BOOST_REQUIRE((r[0] == 'm' || r[0] == 'l'));
    got += r.substr(1);
    if (r[0] == 'l') break;
  }
  BOOST_TEST(got == whole);
  // A new read from offset 0 sees the unload.
  BOOST_TEST(ask("qXfer:libraries:read::0,1000") == "l" + expected_xml({kModules[0]}));
  char past[64];
  std::snprintf(past, sizeof past, "qXfer:libraries:read::%zx,10", whole.size() + 100);
  BOOST_TEST(ask(past).substr(0, 1) == "E");
}

BOOST_AUTO_TEST_CASE(annex_is_not_found) {
  proc.set_loaded_modules(kModules);
  start();
  BOOST_TEST(ask("qXfer:libraries:read:x:0,1000") == "E09");
}

BOOST_AUTO_TEST_CASE(process_gone_is_e06) {
  proc.set_loaded_modules(kModules);
  start();
  proc.kill();
  BOOST_TEST(ask("qXfer:libraries:read::0,1000") == "E06");
}

BOOST_AUTO_TEST_SUITE_END()
