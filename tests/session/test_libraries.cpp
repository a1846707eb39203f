// qXfer:libraries-svr4:read over a fake process holding a dynamic linker's list (see
// tests/platform/svr4_layout.hpp): the XML gdb and lldb get, paging by offset and length from
// one snapshot, the empty list before the dynamic linker ran, escaping, and errors.
#include <boost/test/unit_test.hpp>
#include <cstdio>

#include "../platform/svr4_layout.hpp"
#include "fixture.hpp"

using namespace rspstub;
using namespace rspstub::test;

namespace {

std::string hex(std::uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

struct LibrariesFixture {
  platform::fake::FakeProcess proc{0x2a2a};
  Svr4Layout layout;
  stub::SessionConfig config;
  stub::Logger log;
  std::unique_ptr<stub::Session> session;
  std::unique_ptr<Driver> wire;

  LibrariesFixture() { log.set_level(stub::LogLevel::error); }

  void start() {
    layout.install(proc);
    proc.add_thread(0x2a2a, "demo", platform::x86_64::Registers{});
    session = std::make_unique<stub::Session>(proc, config, log);
    wire = std::make_unique<Driver>(Driver{*session});
    wire->start_no_ack();
  }

  std::string ask(std::string_view payload) { return payload_of(wire->send(payload)); }

  // The list as the layout holds it, built here from the layout's facts.
  std::string expected_xml(bool with_main_lm) const {
    std::string xml = "<library-list-svr4 version=\"1.0\"";
    if (with_main_lm) xml += " main-lm=\"" + hex(Svr4Layout::lm(0)) + "\"";
    xml += ">";
    for (std::size_t i = 1; i < Svr4Layout::kEntries; ++i) {
      xml += "<library name=\"" + layout.names[i] + "\" lm=\"" + hex(Svr4Layout::lm(i)) +
             "\" l_addr=\"" + hex(Svr4Layout::l_addr(i)) + "\" l_ld=\"" +
             hex(Svr4Layout::l_ld(i)) + "\" lmid=\"" + hex(Svr4Layout::kRDebug) + "\"/>";
    }
    return xml + "</library-list-svr4>";
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(libraries, LibrariesFixture)

BOOST_AUTO_TEST_CASE(advertised_in_qsupported) {
  start();
  BOOST_TEST(ask("qSupported:multiprocess+;xmlRegisters=i386").find(
                 ";qXfer:libraries-svr4:read+") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(gdb_gets_the_list_with_main_lm) {
  start();
  // gdb 13's request (captured): annex empty, 0x1000 bytes.
  BOOST_TEST(ask("qXfer:libraries-svr4:read::0,1000") == "l" + expected_xml(true));
}

BOOST_AUTO_TEST_CASE(lldb_gets_the_list_without_main_lm) {
  start();
  BOOST_TEST(ask("QThreadSuffixSupported") == "OK");
  BOOST_TEST(ask("qXfer:libraries-svr4:read::0,1ffff") == "l" + expected_xml(false));
}

BOOST_AUTO_TEST_CASE(paged_by_offset_and_length) {
  start();
  const std::string whole = expected_xml(true);
  std::string got;
  for (int guard = 0; guard < 1000; ++guard) {
    char req[64];
    std::snprintf(req, sizeof req, "qXfer:libraries-svr4:read::%zx,25", got.size());
    const std::string r = ask(req);
    BOOST_REQUIRE(!r.empty());
    BOOST_REQUIRE(r[0] == 'm' || r[0] == 'l');
    got += r.substr(1);
    if (r[0] == 'l') break;
    BOOST_TEST(r.size() == 0x26u);
  }
  BOOST_TEST(got == whole);
  char past[64];
  std::snprintf(past, sizeof past, "qXfer:libraries-svr4:read::%zx,10", whole.size());
  BOOST_TEST(ask(past) == "l");
  std::snprintf(past, sizeof past, "qXfer:libraries-svr4:read::%zx,10", whole.size() + 1);
  BOOST_TEST(ask(past) == "E0b");
}

BOOST_AUTO_TEST_CASE(pages_come_from_one_snapshot) {
  start();
  const std::string first = ask("qXfer:libraries-svr4:read::0,40");
  BOOST_REQUIRE(first[0] == 'm');
  // Between two pages the chain changes: it now ends after the vDSO's entry.
  proc.write_memory(Svr4Layout::lm(1) + 24, std::as_bytes(std::span("\0\0\0\0\0\0\0\0", 8)));
  const std::string rest = ask("qXfer:libraries-svr4:read::40,10000");
  BOOST_TEST(first.substr(1) + rest.substr(1) == expected_xml(true));
  // A new read from offset 0 sees the change: only the vDSO is left.
  const std::string fresh = ask("qXfer:libraries-svr4:read::0,10000");
  BOOST_TEST(fresh.find("libc.so.6") == std::string::npos);
  BOOST_TEST(fresh.find("linux-vdso.so.1") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(empty_list_before_the_dynamic_linker_ran) {
  layout.set_dynamic_entry(1, 21, 0);
  start();
  BOOST_TEST(ask("qXfer:libraries-svr4:read::0,1000") ==
             "l<library-list-svr4 version=\"1.0\"></library-list-svr4>");
}

BOOST_AUTO_TEST_CASE(names_are_xml_escaped) {
  layout.set_name(2, "/opt/a&b/<lib>\"q\".so");
  start();
  const std::string r = ask("qXfer:libraries-svr4:read::0,1000");
  BOOST_TEST(r.find("name=\"/opt/a&amp;b/&lt;lib&gt;&quot;q&quot;.so\"") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(broken_chain_serves_what_was_found) {
  layout.set_link(2, Svr4Layout::l_next_f, Svr4Layout::lm(1));  // libc -> vDSO: a cycle
  start();
  const std::string r = ask("qXfer:libraries-svr4:read::0,1000");
  BOOST_TEST(r.find("libc.so.6") != std::string::npos);
  BOOST_TEST(r.find("ld-linux") == std::string::npos);
  BOOST_TEST(r.substr(r.size() - 20) == "</library-list-svr4>");
}

BOOST_AUTO_TEST_CASE(augmented_annex_is_not_served) {
  start();
  BOOST_TEST(ask("qXfer:libraries-svr4:read:start=0;prev=0:0,1000") == "E09");
}

BOOST_AUTO_TEST_CASE(no_auxv_is_an_error_reply) {
  session = nullptr;
  platform::fake::FakeProcess bare{7};
  bare.add_thread(7, "x", platform::x86_64::Registers{});
  stub::Session s(bare, config, log);
  Driver d{s};
  d.feed("+");
  BOOST_TEST(payload_of(d.send("qXfer:libraries-svr4:read::0,1000"), true) == "E09");
}

BOOST_AUTO_TEST_CASE(unreadable_program_headers_are_e04) {
  layout.auxv[1] = Svr4Layout::kUnmapped;
  start();
  BOOST_TEST(ask("qXfer:libraries-svr4:read::0,1000") == "E04");
}

BOOST_AUTO_TEST_CASE(process_gone_is_e06) {
  start();
  proc.kill();
  BOOST_TEST(ask("qXfer:libraries-svr4:read::0,1000") == "E06");
}

BOOST_AUTO_TEST_SUITE_END()
