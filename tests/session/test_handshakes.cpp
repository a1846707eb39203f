// The openings real clients send (see shared/captures), byte for byte.
#include <boost/test/unit_test.hpp>

#include "fixture.hpp"
#include "platform/host.hpp"
#include "stub/target_xml.hpp"

using namespace rspstub::test;

namespace {

const std::string kOurFeatures =
    "PacketSize=40000;QStartNoAckMode+;qXfer:features:read+;qXfer:auxv:read+;"
    "qXfer:exec-file:read+;qXfer:threads:read+;binary-upload+;QThreadSuffixSupported+;"
    "QListThreadsInStopReply+;QEnableErrorStrings+;vContSupported+"
    ";qXfer:libraries-svr4:read+" +
    // The DLL list, on hosts whose processes list modules (Windows: see test_dll_list.cpp).
    std::string(rspstub::platform::host_info().lists_loaded_modules ? ";qXfer:libraries:read+"
                                                                    : "");

const std::string kMainStop = "T0207:1000fc7f00000000;10:2301400000000000;";

// Reads a whole qXfer object chunk by chunk, checking the m/l markers.
std::string read_xfer(SessionFixture& f, const std::string& object_annex, std::size_t chunk) {
  std::string all;
  for (int guard = 0; guard < 1000; ++guard) {
    std::string req = "qXfer:" + object_annex + ":";
    char range[64];
    std::snprintf(range, sizeof range, "%zx,%zx", all.size(), chunk);
    std::string p = f.ask(req + range);
    BOOST_REQUIRE(!p.empty());
    BOOST_REQUIRE(p[0] == 'm' || p[0] == 'l');
    std::string data = unescape(p.substr(1));
    BOOST_REQUIRE_LE(data.size(), chunk);
    all += data;
    if (p[0] == 'l') return all;
  }
  BOOST_FAIL("qXfer never ended");
  return all;
}

}  // namespace

BOOST_FIXTURE_TEST_CASE(gdb13_target_remote_opening, SessionFixture) {
  // gdb acks every reply until no-ack mode; we ack every packet.
  BOOST_TEST(wire->feed("+") == "");
  std::string r = wire->send(
      "qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;"
      "exec-events+;vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;"
      "xmlRegisters=i386");
  BOOST_TEST(payload_of(r, true) == kOurFeatures + ";multiprocess+");
  BOOST_TEST(wire->feed("+") == "");
  BOOST_TEST(wire->send("vMustReplyEmpty") == "+$#00");
  BOOST_TEST(wire->feed("+") == "");
  BOOST_TEST(wire->send("QStartNoAckMode") == "+$OK#9a");
  BOOST_TEST(wire->feed("+") == "");
  // From here on: no acks.
  BOOST_TEST(wire->send("Hgp0.0") == "$OK#9a");
  const std::string xml = read_xfer(*this, "features:read:target.xml", 0x1000);
  BOOST_TEST(xml == rspstub::stub::x86_64_target_xml(rspstub::platform::host_info().gdb_osabi));
  BOOST_TEST(xml.find("<architecture>i386:x86-64</architecture>") != std::string::npos);
  BOOST_TEST(ask("QNonStop:0") == "");
  BOOST_TEST(ask("qTStatus") == "");
  BOOST_TEST(ask("?") == kMainStop + "thread:p1092.1092;");
  const std::string threads = read_xfer(*this, "threads:read:", 0x1000);
  BOOST_TEST(threads.find("<thread id=\"p1092.1092\" name=\"demo\"/>") != std::string::npos);
  BOOST_TEST(threads.find("<thread id=\"p1092.1093\" name=\"ticker\"/>") != std::string::npos);
  BOOST_TEST(ask("qAttached:1092") == "1");
  BOOST_TEST(ask("qXfer:exec-file:read:1092:0,1000") == "l/usr/bin/demo");
  BOOST_TEST(ask("Hc-1") == "OK");
  BOOST_TEST(ask("qOffsets") == "");
  const std::string auxv = read_xfer(*this, "auxv:read:", 0x1000);
  std::string want_auxv;
  for (auto b : auxv_bytes()) want_auxv += static_cast<char>(b);
  BOOST_TEST(auxv == want_auxv);
  BOOST_TEST(ask("m400040,8") == to_hex(pattern(0x400040, 8)));
  BOOST_TEST(ask("qSymbol::") == "OK");
  // gdb's qSupported has xmlRegisters= too: it must still be served as gdb.
  BOOST_TEST(ask("g").substr(16 * 16, 16) == "2301400000000000");
  BOOST_TEST(ask("x0,0") == "b");
}

BOOST_FIXTURE_TEST_CASE(target_xml_in_small_chunks_reassembles, SessionFixture) {
  go_no_ack();
  BOOST_TEST(read_xfer(*this, "features:read:target.xml", 7) ==
             rspstub::stub::x86_64_target_xml(rspstub::platform::host_info().gdb_osabi));
  BOOST_TEST(ask("qXfer:features:read:other.xml:0,100") == "E09");
}

// The OS ABI comes from the host (Windows: "Windows", so gdb uses the Win64 ABI and asks for
// qGetTIBAddr); everything else in the description is the same.
BOOST_AUTO_TEST_CASE(target_xml_names_the_hosts_os_abi) {
  const std::string host_osabi = rspstub::platform::host_info().gdb_osabi;
  BOOST_TEST(!host_osabi.empty());
  const std::string served = rspstub::stub::x86_64_target_xml(host_osabi);
  BOOST_TEST(served.find("<osabi>" + host_osabi + "</osabi>") != std::string::npos);
  const std::string linux_xml = rspstub::stub::x86_64_target_xml("GNU/Linux");
  const std::string windows_xml = rspstub::stub::x86_64_target_xml("Windows");
  BOOST_TEST(linux_xml.find("<osabi>GNU/Linux</osabi>") != std::string::npos);
  BOOST_TEST(windows_xml.find("<osabi>Windows</osabi>") != std::string::npos);
  BOOST_TEST(windows_xml.find("GNU/Linux") == std::string::npos);
  BOOST_TEST(linux_xml.size() - windows_xml.size() == std::string("GNU/Linux").size() - 7);
}

// qGetTIBAddr: the fake process has no thread information block (as on Linux): empty reply.
BOOST_FIXTURE_TEST_CASE(tib_address_is_not_supported_without_one, SessionFixture) {
  go_no_ack();
  BOOST_TEST(ask("qGetTIBAddr:1092") == "");
  BOOST_TEST(ask("qGetTIBAddr:zz") == "E01");  // malformed
  BOOST_TEST(ask("qGetTIBAddr:0") == "E0b");   // no such thread id: invalid argument
}

BOOST_FIXTURE_TEST_CASE(lldb19_gdb_remote_opening, SessionFixture) {
  BOOST_TEST(wire->feed("+") == "");
  BOOST_TEST(wire->send("QStartNoAckMode") == "+$OK#9a");
  BOOST_TEST(wire->feed("+") == "");
  BOOST_TEST(ask("qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;"
                 "vfork-events+") == kOurFeatures + ";multiprocess+");
  BOOST_TEST(ask("QThreadSuffixSupported") == "OK");
  BOOST_TEST(ask("QListThreadsInStopReply") == "OK");
  const std::string host = ask("qHostInfo");
  // The triple and OS are the build host's (Linux, or Windows for the mingw-w64 build).
  const rspstub::platform::HostInfo this_host = rspstub::platform::host_info();
  BOOST_TEST(host.find("triple:" + to_hex(this_host.triple) + ";") != std::string::npos);
  BOOST_TEST(host.find("ptrsize:8;") != std::string::npos);
  BOOST_TEST(host.find("endian:little;") != std::string::npos);
  BOOST_TEST(ask("vCont?") == "vCont;c;C;s;S");
  BOOST_TEST(ask("qVAttachOrWaitSupported") == "");
  BOOST_TEST(ask("QEnableErrorStrings") == "OK");
  BOOST_TEST(ask("qProcessInfo") ==
             "pid:1092;parent-pid:1;real-uid:3e8;real-gid:64;effective-uid:3e8;"
             "effective-gid:64;triple:" + to_hex(this_host.triple) + ";ostype:" +
                 this_host.os_type + ";endian:little;ptrsize:8;");
  BOOST_TEST(ask("?") == kMainStop +
                             "thread:p1092.1092;threads:1092,1093;"
                             "thread-pcs:0000000000400123,0000000000000000;");
  // Each thread's own stop info, with what is known of its registers.
  BOOST_TEST(ask("qThreadStopInfo1093") ==
             "T02thread:p1092.1093;threads:1092,1093;"
             "thread-pcs:0000000000400123,0000000000000000;");
  BOOST_TEST(ask("qThreadStopInfo777").starts_with("E08"));
  // lldb decodes "xx" as 0xcc: it gets an error for g, never a half-unknown image.
  BOOST_TEST(ask("g;thread:1092;").starts_with("E07"));
  BOOST_TEST(ask("Hg1092") == "OK");
  // rax is unknown in --no-stop mode: an error (with text, after QEnableErrorStrings).
  BOOST_TEST(ask("p0;thread:1092;") ==
             "E07;" + to_hex("refused: rspstub runs in --no-stop (inspection-only) mode"));
  BOOST_TEST(ask("p10;thread:1092;") == "2301400000000000");
  BOOST_TEST(ask("p7;thread:1092;") == "1000fc7f00000000");
  BOOST_TEST(ask("qMemoryRegionInfo:600010") == "start:600000;size:2000;permissions:rw;");
  BOOST_TEST(ask("qMemoryRegionInfo:400000") ==
             "start:400000;size:1000;permissions:rx;name:" + to_hex("/usr/bin/demo") + ";");
  // lldb 19 probes x and, told OK, uses the bare dialect: escaped binary, no prefix.
  BOOST_TEST(ask("x0,0") == "OK");
  BOOST_TEST(unescape(ask("x600000,200")) == pattern(0x600000, 0x200));
  BOOST_TEST(ask("x0,0") == "OK");
  BOOST_TEST(ask("qSymbol::") == "OK");
  BOOST_TEST(ask("jThreadsInfo") == "");
}

BOOST_FIXTURE_TEST_CASE(gdb16_style_client_gets_b_prefixed_x_and_text_errors, SessionFixture) {
  wire->feed("+");
  BOOST_TEST(payload_of(wire->send("qSupported:multiprocess+;swbreak+;hwbreak+;qRelocInsn+;"
                                   "fork-events+;vfork-events+;exec-events+;vContSupported+;"
                                   "QThreadEvents+;no-resumed+;memory-tagging+;"
                                   "error-message+;binary-upload+"),
                        true) == kOurFeatures + ";multiprocess+");
  wire->feed("+");
  BOOST_TEST(wire->send("QStartNoAckMode") == "+$OK#9a");
  wire->feed("+");
  BOOST_TEST(unescape(ask("x600100,40")) == "b" + pattern(0x600100, 0x40));
  BOOST_TEST(ask("x0,0") == "b");  // a zero-length read, never lldb's OK
  BOOST_TEST(ask("x8,4") == "E.no accessible memory at this address");
  BOOST_TEST(ask("m8,4") == "E.no accessible memory at this address");
}

BOOST_FIXTURE_TEST_CASE(lldb20_style_client_reads_b_prefixed_without_probe, SessionFixture) {
  go_no_ack();
  ask("qSupported:xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;vfork-events+");
  ask("QThreadSuffixSupported");
  ask("QEnableErrorStrings");
  BOOST_TEST(unescape(ask("x400000,10")) == "b" + pattern(0x400000, 0x10));
  // The dialect was fixed by the first x: a later probe does not switch it.
  BOOST_TEST(ask("x0,0") == "b");
  BOOST_TEST(unescape(ask("x400010,10")) == "b" + pattern(0x400010, 0x10));
}

BOOST_FIXTURE_TEST_CASE(gdb_client_probing_x0_0_is_not_taken_for_lldb, SessionFixture) {
  go_no_ack();
  ask("qSupported:multiprocess+;swbreak+");
  BOOST_TEST(ask("x0,0") == "b");
  BOOST_TEST(unescape(ask("x400000,4")) == "b" + pattern(0x400000, 4));
}

BOOST_FIXTURE_TEST_CASE(without_multiprocess_thread_ids_are_plain, SessionFixture) {
  go_no_ack();
  ask("qSupported:swbreak+");
  BOOST_TEST(ask("qC") == "QC1092");
  BOOST_TEST(ask("qfThreadInfo") == "m1092,1093");
  BOOST_TEST(ask("qsThreadInfo") == "l");
  BOOST_TEST(ask("?") == kMainStop + "thread:1092;");
}
