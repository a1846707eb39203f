// protocol/requests.hpp: the strict argument parsers.
#include <boost/test/unit_test.hpp>
#include <string>
#include <string_view>

#include "protocol/framing.hpp"
#include "protocol/requests.hpp"
#include "test_util.hpp"

using namespace rspstub::protocol;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

ErrorCode range(std::string_view args, MemoryRange& r) { return parse_memory_range(args, r); }

ErrorCode range(std::string_view args) {
  MemoryRange r;
  return parse_memory_range(args, r);
}

ErrorCode thread(std::string_view text) {
  ThreadId t;
  return parse_thread_id(text, t);
}

// Real qSupported arguments (after "qSupported:"), copied from /work/shared/captures.
constexpr std::string_view kGdb13 =
    "multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;"
    "vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;xmlRegisters=i386";
constexpr std::string_view kLldb19 = "xmlRegisters=i386,arm,mips,arc;multiprocess+;fork-events+;"
                                     "vfork-events+";
// gdb 16 (from its source; not installable here).
constexpr std::string_view kGdb16 =
    "multiprocess+;swbreak+;hwbreak+;qRelocInsn+;fork-events+;vfork-events+;exec-events+;"
    "vContSupported+;QThreadEvents+;no-resumed+;memory-tagging+;error-message+;binary-upload+";

}  // namespace

BOOST_AUTO_TEST_SUITE(requests)

// ---- memory ranges --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(memory_range_basic) {
  MemoryRange r;
  BOOST_TEST(range("1000,4", r) == ErrorCode::none);
  BOOST_TEST(r.addr == 0x1000u);
  BOOST_TEST(r.length == 4u);

  BOOST_TEST(range("7FFFF7fd0000,47FE", r) == ErrorCode::none);
  BOOST_TEST(r.addr == 0x7ffff7fd0000u);
  BOOST_TEST(r.length == 0x47feu);
}

BOOST_AUTO_TEST_CASE(memory_range_16_digit_fields) {
  MemoryRange r;
  BOOST_TEST(range("0000000000401000,0000000000000010", r) == ErrorCode::none);
  BOOST_TEST(r.addr == 0x401000u);
  BOOST_TEST(r.length == 0x10u);
  BOOST_TEST(range("ffffffff00000000,00000000ffffffff", r) == ErrorCode::none);
  BOOST_TEST(r.addr == 0xffffffff00000000ull);
  BOOST_TEST(r.length == 0xffffffffull);
}

BOOST_AUTO_TEST_CASE(memory_range_17_digits_malformed) {
  BOOST_TEST(range("00000000000401000,4") == ErrorCode::malformed);
  BOOST_TEST(range("1000,00000000000000004") == ErrorCode::malformed);
}

BOOST_AUTO_TEST_CASE(memory_range_malformed) {
  BOOST_TEST(range("10004") == ErrorCode::malformed);       // missing comma
  BOOST_TEST(range("") == ErrorCode::malformed);
  BOOST_TEST(range(",") == ErrorCode::malformed);
  BOOST_TEST(range(",4") == ErrorCode::malformed);          // empty address
  BOOST_TEST(range("1000,") == ErrorCode::malformed);       // empty length
  BOOST_TEST(range("1000,4x") == ErrorCode::malformed);     // trailing junk
  BOOST_TEST(range("1000,4,5") == ErrorCode::malformed);
  BOOST_TEST(range("1000,4;") == ErrorCode::malformed);
  BOOST_TEST(range("1000,4:") == ErrorCode::malformed);
  BOOST_TEST(range("1000,4 ") == ErrorCode::malformed);
  BOOST_TEST(range(" 1000,4") == ErrorCode::malformed);
  BOOST_TEST(range("zz,4") == ErrorCode::malformed);        // gdbserver's desync case: mzz,4
  BOOST_TEST(range("0x1000,4") == ErrorCode::malformed);
  BOOST_TEST(range("-1,4") == ErrorCode::malformed);
  BOOST_TEST(range("1000,4\0"sv) == ErrorCode::malformed);
}

BOOST_AUTO_TEST_CASE(memory_range_top_of_address_space) {
  MemoryRange r;
  BOOST_TEST(range("ffffffffffffffff,1", r) == ErrorCode::none);
  BOOST_TEST(r.addr == 0xffffffffffffffffull);
  BOOST_TEST(r.length == 1u);
  BOOST_TEST(range("ffffffffffffffff,2") == ErrorCode::range_overflow);
  BOOST_TEST(range("fffffffffffffff0,10") == ErrorCode::none);       // ends exactly at the top
  BOOST_TEST(range("fffffffffffffff0,11") == ErrorCode::range_overflow);
  BOOST_TEST(range("1,ffffffffffffffff") == ErrorCode::none);
  BOOST_TEST(range("2,ffffffffffffffff") == ErrorCode::range_overflow);
  BOOST_TEST(range("0,ffffffffffffffff") == ErrorCode::none);
  BOOST_TEST(range("8000000000000000,8000000000000000") == ErrorCode::none);
  BOOST_TEST(range("8000000000000001,8000000000000000") == ErrorCode::range_overflow);
}

BOOST_AUTO_TEST_CASE(memory_range_length_zero) {
  MemoryRange r;
  BOOST_TEST(range("0,0", r) == ErrorCode::none);  // lldb's x0,0 probe
  BOOST_TEST(r.addr == 0u);
  BOOST_TEST(r.length == 0u);
  BOOST_TEST(range("ffffffffffffffff,0", r) == ErrorCode::none);
  BOOST_TEST(r.addr == 0xffffffffffffffffull);
  BOOST_TEST(r.length == 0u);
}

// ---- memory writes --------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(memory_write_hex) {
  MemoryWrite w;
  BOOST_TEST(parse_memory_write("1000,4:deadBEEF", false, w) == ErrorCode::none);
  BOOST_TEST(w.range.addr == 0x1000u);
  BOOST_TEST(w.range.length == 4u);
  BOOST_TEST(w.data == "deadBEEF");

  BOOST_TEST(parse_memory_write("1000,0:", false, w) == ErrorCode::none);
  BOOST_TEST(w.range.length == 0u);
  BOOST_TEST(w.data == "");
}

BOOST_AUTO_TEST_CASE(memory_write_hex_length_mismatch) {
  MemoryWrite w;
  BOOST_TEST(parse_memory_write("1000,4:deadbe", false, w) == ErrorCode::malformed);    // short
  BOOST_TEST(parse_memory_write("1000,4:deadbee", false, w) == ErrorCode::malformed);   // odd
  BOOST_TEST(parse_memory_write("1000,4:", false, w) == ErrorCode::malformed);
  BOOST_TEST(parse_memory_write("1000,4:deadbeef00", false, w) == ErrorCode::too_large);
  BOOST_TEST(parse_memory_write("1000,4:deadbeef0", false, w) == ErrorCode::too_large);
  BOOST_TEST(parse_memory_write("1000,0:00", false, w) == ErrorCode::too_large);
  // The byte count, not the hex digit count: 4 digits = 2 bytes for length 2.
  BOOST_TEST(parse_memory_write("1000,2:abcd", false, w) == ErrorCode::none);
  BOOST_TEST(parse_memory_write("1000,2:ab", false, w) == ErrorCode::malformed);
  // A length whose digit count would not fit.
  BOOST_TEST(parse_memory_write("0,8000000000000000:00", false, w) == ErrorCode::too_large);
}

BOOST_AUTO_TEST_CASE(memory_write_malformed_header) {
  MemoryWrite w;
  BOOST_TEST(parse_memory_write("1000,4", false, w) == ErrorCode::malformed);  // no ':'
  BOOST_TEST(parse_memory_write("10004:deadbeef", false, w) == ErrorCode::malformed);
  BOOST_TEST(parse_memory_write(",4:deadbeef", false, w) == ErrorCode::malformed);
  BOOST_TEST(parse_memory_write("1000,:", false, w) == ErrorCode::malformed);
  BOOST_TEST(parse_memory_write("1000,4x:deadbeef", false, w) == ErrorCode::malformed);
  BOOST_TEST(parse_memory_write("ffffffffffffffff,2:0000", false, w) ==
             ErrorCode::range_overflow);
  BOOST_TEST(parse_memory_write("ffffffffffffffff,2:\0\0"sv, true, w) ==
             ErrorCode::range_overflow);
}

BOOST_AUTO_TEST_CASE(memory_write_binary) {
  MemoryWrite w;
  // Already unescaped by the framing layer: any byte value, including NUL, ':' and '#'.
  const std::string args = "401000,6:\0:#$}\xff"s;
  BOOST_TEST(parse_memory_write(args, true, w) == ErrorCode::none);
  BOOST_TEST(w.range.addr == 0x401000u);
  BOOST_TEST(w.range.length == 6u);
  BOOST_TEST(w.data.size() == 6u);
  BOOST_TEST(w.data == "\0:#$}\xff"sv);

  // gdb's X probe: zero length, empty data.
  BOOST_TEST(parse_memory_write("401000,0:", true, w) == ErrorCode::none);
  BOOST_TEST(w.data.empty());

  BOOST_TEST(parse_memory_write("401000,3:\0\0"sv, true, w) == ErrorCode::malformed);
  BOOST_TEST(parse_memory_write("401000,1:\0\0"sv, true, w) == ErrorCode::too_large);
  BOOST_TEST(parse_memory_write("401000,0", true, w) == ErrorCode::malformed);
}

// ---- thread ids -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(thread_id_multiprocess) {
  ThreadId t;
  BOOST_TEST(parse_thread_id("p1a.2b", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0x1a);
  BOOST_TEST(t.tid == 0x2b);

  BOOST_TEST(parse_thread_id("p-1.-1", t) == ErrorCode::none);
  BOOST_TEST(t.pid == -1);
  BOOST_TEST(t.tid == -1);

  BOOST_TEST(parse_thread_id("p1a", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0x1a);
  BOOST_TEST(t.tid == -1);  // all threads of that process

  BOOST_TEST(parse_thread_id("p0.0", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0);
  BOOST_TEST(t.tid == 0);

  BOOST_TEST(parse_thread_id("p1a.-1", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0x1a);
  BOOST_TEST(t.tid == -1);
}

BOOST_AUTO_TEST_CASE(thread_id_plain) {
  ThreadId t;
  BOOST_TEST(parse_thread_id("-1", t) == ErrorCode::none);
  BOOST_TEST(t.pid == ThreadId::kAny);
  BOOST_TEST(t.tid == ThreadId::kAll);
  BOOST_TEST(t.tid == -1);

  BOOST_TEST(parse_thread_id("0", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0);
  BOOST_TEST(t.tid == 0);

  BOOST_TEST(parse_thread_id("1f", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0);
  BOOST_TEST(t.tid == 0x1f);

  BOOST_TEST(parse_thread_id("7fffffffffffffff", t) == ErrorCode::none);
  BOOST_TEST(t.tid == 0x7fffffffffffffffll);
}

BOOST_AUTO_TEST_CASE(thread_id_resets_out) {
  ThreadId t;
  BOOST_TEST(parse_thread_id("p5.6", t) == ErrorCode::none);
  BOOST_TEST(parse_thread_id("7", t) == ErrorCode::none);
  BOOST_TEST(t.pid == 0);  // not left at 5
  BOOST_TEST(t.tid == 7);
}

BOOST_AUTO_TEST_CASE(thread_id_malformed) {
  BOOST_TEST(thread("") == ErrorCode::malformed);
  BOOST_TEST(thread("p") == ErrorCode::malformed);
  BOOST_TEST(thread("p.") == ErrorCode::malformed);
  BOOST_TEST(thread("p.1") == ErrorCode::malformed);
  BOOST_TEST(thread("p1.") == ErrorCode::malformed);
  BOOST_TEST(thread("p1.2.3") == ErrorCode::malformed);
  BOOST_TEST(thread("pp1") == ErrorCode::malformed);
  BOOST_TEST(thread("P1.2") == ErrorCode::malformed);
  BOOST_TEST(thread("zz") == ErrorCode::malformed);
  BOOST_TEST(thread("1g") == ErrorCode::malformed);
  BOOST_TEST(thread("-2") == ErrorCode::malformed);
  BOOST_TEST(thread("--1") == ErrorCode::malformed);
  BOOST_TEST(thread("-") == ErrorCode::malformed);
  BOOST_TEST(thread("1.2") == ErrorCode::malformed);
  BOOST_TEST(thread("0x1f") == ErrorCode::malformed);
  BOOST_TEST(thread("1f;") == ErrorCode::malformed);
  BOOST_TEST(thread("8000000000000000") == ErrorCode::malformed);   // not a positive int64
  BOOST_TEST(thread("10000000000000000") == ErrorCode::malformed);  // 17 digits
}

BOOST_AUTO_TEST_CASE(set_thread) {
  SetThread s;
  BOOST_TEST(parse_set_thread("g0", s) == ErrorCode::none);
  BOOST_TEST(s.op == 'g');
  BOOST_TEST(s.thread.pid == 0);
  BOOST_TEST(s.thread.tid == 0);

  BOOST_TEST(parse_set_thread("c-1", s) == ErrorCode::none);
  BOOST_TEST(s.op == 'c');
  BOOST_TEST(s.thread.pid == 0);
  BOOST_TEST(s.thread.tid == -1);

  BOOST_TEST(parse_set_thread("gp1.2", s) == ErrorCode::none);
  BOOST_TEST(s.op == 'g');
  BOOST_TEST(s.thread.pid == 1);
  BOOST_TEST(s.thread.tid == 2);

  BOOST_TEST(parse_set_thread("gp0.0", s) == ErrorCode::none);  // gdb 13's Hgp0.0
  BOOST_TEST(s.thread.pid == 0);
  BOOST_TEST(s.thread.tid == 0);

  BOOST_TEST(parse_set_thread("", s) == ErrorCode::malformed);
  BOOST_TEST(parse_set_thread("g", s) == ErrorCode::malformed);
  BOOST_TEST(parse_set_thread("gzz", s) == ErrorCode::malformed);
  BOOST_TEST(parse_set_thread("gp", s) == ErrorCode::malformed);
}

// ---- registers ------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(register_read) {
  RegisterRead r;
  BOOST_TEST(parse_register_read("10", r) == ErrorCode::none);
  BOOST_TEST(r.regnum == 0x10u);
  BOOST_TEST(!r.has_thread);

  BOOST_TEST(parse_register_read("10;thread:1f;", r) == ErrorCode::none);
  BOOST_TEST(r.regnum == 0x10u);
  BOOST_TEST(r.has_thread);
  BOOST_TEST(r.thread.tid == 0x1f);

  BOOST_TEST(parse_register_read("0;thread:p1a.2b;", r) == ErrorCode::none);
  BOOST_TEST(r.regnum == 0u);
  BOOST_TEST(r.has_thread);
  BOOST_TEST(r.thread.pid == 0x1a);
  BOOST_TEST(r.thread.tid == 0x2b);

  // The same buffer reused: a plain read clears has_thread.
  BOOST_TEST(parse_register_read("7", r) == ErrorCode::none);
  BOOST_TEST(r.regnum == 7u);
  BOOST_TEST(!r.has_thread);
}

BOOST_AUTO_TEST_CASE(register_read_bad) {
  RegisterRead r;
  BOOST_TEST(parse_register_read("", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read("zz", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read("10;", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read("10;thread:;", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read("10;thread:zz;", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read(";thread:1f;", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read("10;thread:1f;junk", r) == ErrorCode::malformed);
  BOOST_TEST(parse_register_read("10000000000000000", r) == ErrorCode::malformed);
}

BOOST_AUTO_TEST_CASE(thread_suffix) {
  std::string_view args = "1000,4;thread:2b;";
  bool has = false;
  ThreadId t;
  BOOST_TEST(split_thread_suffix(args, has, t) == ErrorCode::none);
  BOOST_TEST(has);
  BOOST_TEST(args == "1000,4");
  BOOST_TEST(t.tid == 0x2b);

  args = "1000,4";
  BOOST_TEST(split_thread_suffix(args, has, t) == ErrorCode::none);
  BOOST_TEST(!has);
  BOOST_TEST(args == "1000,4");

  args = "1000,4;thread:2b";  // without the final ';'
  BOOST_TEST(split_thread_suffix(args, has, t) == ErrorCode::none);
  BOOST_TEST(args == "1000,4");
  BOOST_TEST(t.tid == 0x2b);

  args = "1000,4;thread:q;";
  BOOST_TEST(split_thread_suffix(args, has, t) == ErrorCode::malformed);
}

// ---- qXfer ----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(xfer_read_features) {
  XferRead x;
  BOOST_TEST(parse_xfer_read("features:read:target.xml:0,ffb", x) == ErrorCode::none);
  BOOST_TEST(x.object == "features");
  BOOST_TEST(x.annex == "target.xml");
  BOOST_TEST(x.offset == 0u);
  BOOST_TEST(x.length == 0xffbu);

  BOOST_TEST(parse_xfer_read("features:read:i386-64bit.xml:7fe,7fe", x) == ErrorCode::none);
  BOOST_TEST(x.annex == "i386-64bit.xml");
  BOOST_TEST(x.offset == 0x7feu);
  BOOST_TEST(x.length == 0x7feu);
}

BOOST_AUTO_TEST_CASE(xfer_read_empty_annex) {
  XferRead x;
  BOOST_TEST(parse_xfer_read("auxv:read::0,47fe", x) == ErrorCode::none);
  BOOST_TEST(x.object == "auxv");
  BOOST_TEST(x.annex == "");
  BOOST_TEST(x.offset == 0u);
  BOOST_TEST(x.length == 0x47feu);

  BOOST_TEST(parse_xfer_read("threads:read::1000,1ffff", x) == ErrorCode::none);
  BOOST_TEST(x.object == "threads");
  BOOST_TEST(x.annex == "");
  BOOST_TEST(x.offset == 0x1000u);
  BOOST_TEST(x.length == 0x1ffffu);

  // offset,length follow the *last* ':'; the annex keeps any earlier ones.
  BOOST_TEST(parse_xfer_read("features:read:a:b.xml:10,20", x) == ErrorCode::none);
  BOOST_TEST(x.object == "features");
  BOOST_TEST(x.annex == "a:b.xml");
  BOOST_TEST(x.offset == 0x10u);
  BOOST_TEST(x.length == 0x20u);

  BOOST_TEST(parse_xfer_read("exec-file:read:1a2b:0,fff", x) == ErrorCode::none);
  BOOST_TEST(x.object == "exec-file");
  BOOST_TEST(x.annex == "1a2b");
}

BOOST_AUTO_TEST_CASE(xfer_read_missing_pieces) {
  XferRead x;
  BOOST_TEST(parse_xfer_read("", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read:", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read::", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read:0,47fe", x) == ErrorCode::malformed);  // no annex ':'
  BOOST_TEST(parse_xfer_read("auxv:read::0", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read::,47fe", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read::0,", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read::0,47fe,1", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read::0,47fg", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:read::0,47fe:", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("features:read:target.xml", x) == ErrorCode::malformed);
}

BOOST_AUTO_TEST_CASE(xfer_write_rejected) {
  XferRead x;
  BOOST_TEST(parse_xfer_read("features:write:target.xml:0:abc", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:write::0,4", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:Read::0,4", x) == ErrorCode::malformed);
  BOOST_TEST(parse_xfer_read("auxv:readx::0,4", x) == ErrorCode::malformed);
}

// ---- breakpoints ----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(breakpoint) {
  Breakpoint b;
  BOOST_TEST(parse_breakpoint("0,401000,1", b) == ErrorCode::none);
  BOOST_TEST(b.type == 0);
  BOOST_TEST(b.addr == 0x401000u);
  BOOST_TEST(b.kind == 1u);

  BOOST_TEST(parse_breakpoint("2,7ffff7fd0010,8", b) == ErrorCode::none);
  BOOST_TEST(b.type == 2);
  BOOST_TEST(b.addr == 0x7ffff7fd0010u);
  BOOST_TEST(b.kind == 8u);

  BOOST_TEST(parse_breakpoint("4,0,4", b) == ErrorCode::none);
  BOOST_TEST(b.type == 4);
}

BOOST_AUTO_TEST_CASE(breakpoint_with_conditions) {
  Breakpoint b;
  BOOST_TEST(parse_breakpoint("0,401000,1;X3,220c05", b) == ErrorCode::none);
  BOOST_TEST(b.type == 0);
  BOOST_TEST(b.addr == 0x401000u);
  BOOST_TEST(b.kind == 1u);
  BOOST_TEST(parse_breakpoint("1,401000,1;cmds:0,X3,220c05", b) == ErrorCode::none);
  BOOST_TEST(b.type == 1);
  BOOST_TEST(b.kind == 1u);
}

BOOST_AUTO_TEST_CASE(breakpoint_rejected) {
  Breakpoint b;
  BOOST_TEST(parse_breakpoint("5,401000,1", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("a,401000,1", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("00,401000,1", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint(",401000,1", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("0,401000", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("0,401000,", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("0,,1", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("0,401000,1,2", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("0,401000,1x", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("0,10000000000000000,1", b) == ErrorCode::malformed);
  BOOST_TEST(parse_breakpoint("", b) == ErrorCode::malformed);
}

// ---- misc -----------------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(hex_field) {
  std::uint64_t v = 0;
  BOOST_TEST(parse_hex_field("7ffff7fd0000", v) == ErrorCode::none);
  BOOST_TEST(v == 0x7ffff7fd0000u);
  BOOST_TEST(parse_hex_field("", v) == ErrorCode::malformed);
  BOOST_TEST(parse_hex_field("1;", v) == ErrorCode::malformed);
  BOOST_TEST(parse_hex_field("10000000000000000", v) == ErrorCode::malformed);
}

// ---- qSupported -----------------------------------------------------------------------------

BOOST_AUTO_TEST_CASE(client_features_gdb13) {
  const ClientFeatures f = parse_client_features(kGdb13);
  BOOST_TEST(f.multiprocess);
  BOOST_TEST(f.swbreak);
  BOOST_TEST(f.hwbreak);
  BOOST_TEST(f.qrelocinsn);
  BOOST_TEST(f.vcont_supported);
  BOOST_TEST(f.xml_registers);
  BOOST_TEST(!f.error_message);  // gdb 13 cannot take E.text
  BOOST_TEST(!f.binary_upload);
}

BOOST_AUTO_TEST_CASE(client_features_lldb19) {
  const ClientFeatures f = parse_client_features(kLldb19);
  BOOST_TEST(f.xml_registers);
  BOOST_TEST(f.multiprocess);
  BOOST_TEST(!f.swbreak);
  BOOST_TEST(!f.hwbreak);
  BOOST_TEST(!f.qrelocinsn);
  BOOST_TEST(!f.vcont_supported);
  BOOST_TEST(!f.error_message);
  BOOST_TEST(!f.binary_upload);
}

BOOST_AUTO_TEST_CASE(client_features_gdb16) {
  const ClientFeatures f = parse_client_features(kGdb16);
  BOOST_TEST(f.multiprocess);
  BOOST_TEST(f.swbreak);
  BOOST_TEST(f.hwbreak);
  BOOST_TEST(f.qrelocinsn);
  BOOST_TEST(f.vcont_supported);
  BOOST_TEST(f.error_message);
  BOOST_TEST(f.binary_upload);
  BOOST_TEST(!f.xml_registers);
}

BOOST_AUTO_TEST_CASE(client_features_from_captured_packets) {
  // The qSupported packets exactly as captured on the wire, checksums included.
  const std::string gdb13 = "$qSupported:" + std::string(kGdb13) + "#77";
  const std::string lldb19 = "+$qSupported:" + std::string(kLldb19) + "#2e";
  FrameDecoder d(4096);
  auto s = d.feed(gdb13);
  BOOST_TEST_REQUIRE(s.event == FrameEvent::packet);
  BOOST_TEST(s.consumed == gdb13.size());
  std::string_view payload = d.payload();
  BOOST_TEST_REQUIRE(payload.starts_with("qSupported:"));
  payload.remove_prefix(11);
  ClientFeatures f = parse_client_features(payload);
  BOOST_TEST(f.swbreak);
  BOOST_TEST(!f.error_message);

  std::string_view rest = lldb19;
  s = d.feed(rest);
  BOOST_TEST(s.event == FrameEvent::ack);
  rest.remove_prefix(s.consumed);
  s = d.feed(rest);
  BOOST_TEST_REQUIRE(s.event == FrameEvent::packet);
  payload = d.payload();
  payload.remove_prefix(11);
  f = parse_client_features(payload);
  BOOST_TEST(f.xml_registers);
  BOOST_TEST(!f.swbreak);
}

BOOST_AUTO_TEST_CASE(client_features_edge_cases) {
  ClientFeatures f = parse_client_features("");
  BOOST_TEST(!f.multiprocess);
  BOOST_TEST(!f.swbreak);
  BOOST_TEST(!f.hwbreak);
  BOOST_TEST(!f.error_message);
  BOOST_TEST(!f.binary_upload);
  BOOST_TEST(!f.xml_registers);
  BOOST_TEST(!f.qrelocinsn);
  BOOST_TEST(!f.vcont_supported);

  f = parse_client_features("multiprocess-;swbreak;error-message?;binary-upload+x");
  BOOST_TEST(!f.multiprocess);
  BOOST_TEST(!f.swbreak);
  BOOST_TEST(!f.error_message);
  BOOST_TEST(!f.binary_upload);

  f = parse_client_features(";;error-message+;");  // empty items are ignored
  BOOST_TEST(f.error_message);
  BOOST_TEST(!f.multiprocess);

  f = parse_client_features("binary-upload+");  // a single item without ';'
  BOOST_TEST(f.binary_upload);
  BOOST_TEST(!f.error_message);
}

BOOST_AUTO_TEST_SUITE_END()
