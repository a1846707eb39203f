// Parsers that turn a packet's arguments into typed requests, with strict checks: hex fields of
// at most 16 digits, no trailing junk, no wrapping ranges. Each returns ErrorCode::none on
// success and fills `out`; otherwise it returns the error to send and leaves `out` unspecified.
// `args` is the payload after the packet's name (e.g. for "m1000,4" it is "1000,4").
#pragma once

#include <cstdint>
#include <string_view>

#include "protocol/errors.hpp"

namespace rspstub::protocol {

// "addr,len" (m, x). len may be 0 (the caller decides what that means); addr + len must not wrap.
struct MemoryRange {
  std::uint64_t addr = 0;
  std::uint64_t length = 0;
};
ErrorCode parse_memory_range(std::string_view args, MemoryRange& out) noexcept;

// "addr,len:data" (M: data is 2*len hex digits; X: data is len raw bytes, already unescaped).
struct MemoryWrite {
  MemoryRange range;
  std::string_view data;  // still hex for M
};
ErrorCode parse_memory_write(std::string_view args, bool binary, MemoryWrite& out) noexcept;

// Thread ids: "p<pid>.<tid>", "p<pid>", "<tid>", "-1" (all), "0" (any).
struct ThreadId {
  static constexpr std::int64_t kAll = -1;
  static constexpr std::int64_t kAny = 0;
  std::int64_t pid = kAny;  // kAny when the multiprocess form was not used
  std::int64_t tid = kAny;
};
ErrorCode parse_thread_id(std::string_view text, ThreadId& out) noexcept;

// "H<op><thread-id>": op is g or c (or anything lldb sends; passed through).
struct SetThread {
  char op = 'g';
  ThreadId thread;
};
ErrorCode parse_set_thread(std::string_view args, SetThread& out) noexcept;

// "p<regnum>[;thread:<tid>;]" (lldb appends the thread suffix after QThreadSuffixSupported).
struct RegisterRead {
  std::uint64_t regnum = 0;
  bool has_thread = false;
  ThreadId thread;
};
ErrorCode parse_register_read(std::string_view args, RegisterRead& out) noexcept;

// Splits a trailing ";thread:<tid>;" suffix (lldb) off `args`. Returns malformed on a bad id.
ErrorCode split_thread_suffix(std::string_view& args, bool& has_thread, ThreadId& out) noexcept;

// "qXfer:<object>:read:<annex>:<offset>,<length>" (args = after "qXfer:").
struct XferRead {
  std::string_view object;
  std::string_view annex;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;
};
ErrorCode parse_xfer_read(std::string_view args, XferRead& out) noexcept;

// "Z<type>,<addr>,<kind>" / "z..." (args = after 'Z' or 'z'; conditions after ';' are ignored).
struct Breakpoint {
  int type = 0;
  std::uint64_t addr = 0;
  std::uint64_t kind = 0;
};
ErrorCode parse_breakpoint(std::string_view args, Breakpoint& out) noexcept;

// A single hex number and nothing else (qMemoryRegionInfo:<addr>, T<tid>, ...).
ErrorCode parse_hex_field(std::string_view args, std::uint64_t& out) noexcept;

// What the client said in its qSupported (args = after "qSupported:", may be empty).
struct ClientFeatures {
  bool multiprocess = false;
  bool swbreak = false;
  bool hwbreak = false;
  bool error_message = false;   // gdb >= 15: E.<text> accepted
  bool binary_upload = false;   // gdb >= 16.2 may send this too
  bool xml_registers = false;   // xmlRegisters=... (gdb and lldb both send it)
  bool qrelocinsn = false;
  bool vcont_supported = false;
};
ClientFeatures parse_client_features(std::string_view args) noexcept;

}  // namespace rspstub::protocol
