// What one connection has negotiated so far. Reset for every new connection.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "platform/host_files.hpp"
#include "protocol/reply.hpp"
#include "protocol/requests.hpp"

namespace rspstub::stub {

// Which answer a connection gets to `x`: decided by its first `x` packet and then fixed, so the
// two dialects are never mixed on one connection (see README "The two x packets").
enum class XDialect : std::uint8_t {
  undecided,
  gdb_b_prefix,  // GDB's x (gdb >= 16.2, lldb >= 20): reply `b` + escaped binary
  lldb_bare,     // LLDB <= 19's x, after its `x0,0` probe got OK: escaped binary, no prefix
};

// The rest of a memory read being streamed (SessionConfig::stream_chunk): where the next piece
// starts and how many target bytes are still to come.
struct StreamedRead {
  std::uint64_t addr = 0;
  std::size_t remaining = 0;  // 0: no read is being streamed
  protocol::StagedEncoding encoding = protocol::StagedEncoding::hex;
};

struct ConnectionState {
  bool no_ack = false;
  bool multiprocess = false;          // both sides agreed on p<pid>.<tid> thread ids
  bool thread_suffix = false;         // lldb QThreadSuffixSupported
  bool list_threads_in_stop = false;  // lldb QListThreadsInStopReply
  bool client_is_lldb = false;        // the client sent an lldb-only packet
  protocol::ErrorStyle error_style = protocol::ErrorStyle::code_only;
  bool client_error_message = false;  // qSupported had error-message+
  bool swbreak = false;               // qSupported had swbreak+: stop replies say swbreak:;
  bool hwbreak = false;               // qSupported had hwbreak+: stop replies say hwbreak:;
  XDialect x_dialect = XDialect::undecided;
  std::int64_t general_thread = 0;    // Hg: 0 = any
  std::int64_t continue_thread = 0;   // Hc: the thread a legacy `s` steps; 0 = the Hg one
  std::vector<int> program_signals;   // QProgramSignals (host numbers); kept for later use
  std::vector<int> thread_list;       // snapshot paged out by qfThreadInfo/qsThreadInfo
  std::size_t thread_list_pos = 0;
  bool close_after_reply = false;     // D, k: reply, then end the connection
  StreamedRead streamed_read;         // m/x reply still being sent in pieces
  bool awaiting_stop = false;         // a resume was accepted: the next reply is its stop reply
  bool no_reply = false;              // this packet gets no reply at all (gdb's k in extended mode)
  platform::HostFiles host_files;     // vFile: this connection's open files and fs view
  std::string libraries_xml;          // qXfer:libraries-svr4 snapshot, paged out by offset
  std::string dll_list_xml;           // qXfer:libraries snapshot (Windows DLLs), likewise
};

}  // namespace rspstub::stub
