// Packet handlers, grouped by file. Each handler's comment block in its .cpp names the packet,
// its replies and the clients that send it.
#pragma once

#include <string_view>

#include "stub/context.hpp"

namespace rspstub::stub::handlers {

// handlers_memory.cpp
bool continue_streamed_read(Context&);                  // the next piece of a streamed m/x
void read_memory_hex(Context&, std::string_view args);     // m
void read_memory_binary(Context&, std::string_view args);  // x
void write_memory_hex(Context&, std::string_view args);    // M
void write_memory_binary(Context&, std::string_view args); // X

// handlers_negotiation.cpp
void supported(Context&, std::string_view args);             // qSupported
void start_no_ack_mode(Context&, std::string_view args);     // QStartNoAckMode
void enable_error_strings(Context&, std::string_view args);  // QEnableErrorStrings
void thread_suffix_supported(Context&, std::string_view args);       // QThreadSuffixSupported
void list_threads_in_stop_reply(Context&, std::string_view args);    // QListThreadsInStopReply

// handlers_query.cpp
void host_info(Context&, std::string_view args);           // qHostInfo
void process_info(Context&, std::string_view args);        // qProcessInfo
void attached(Context&, std::string_view args);            // qAttached
void symbol(Context&, std::string_view args);              // qSymbol
void current_thread(Context&, std::string_view args);      // qC
void first_thread_info(Context&, std::string_view args);   // qfThreadInfo
void next_thread_info(Context&, std::string_view args);    // qsThreadInfo
void thread_alive(Context&, std::string_view args);        // T
void memory_region_info(Context&, std::string_view args);  // qMemoryRegionInfo
void thread_information_block(Context&, std::string_view args);  // qGetTIBAddr

// handlers_registers.cpp
void read_registers(Context&, std::string_view args);    // g
void read_register(Context&, std::string_view args);     // p
void write_registers(Context&, std::string_view args);   // G
void write_register(Context&, std::string_view args);    // P

// handlers_run.cpp
void stop_reason(Context&, std::string_view args);       // ?
void thread_stop_info(Context&, std::string_view args);  // qThreadStopInfo
void set_thread(Context&, std::string_view args);        // H
void vcont_query(Context&, std::string_view args);       // vCont?
void resume(Context&, std::string_view args);            // vCont;
void resume_c(Context&, std::string_view args);          // c
void resume_s(Context&, std::string_view args);          // s
void resume_C(Context&, std::string_view args);          // C
void resume_S(Context&, std::string_view args);          // S
void ctrl_c(Context&, std::string_view args);            // vCtrlC
void detach(Context&, std::string_view args);            // D
void kill(Context&, std::string_view args);              // k
void vkill(Context&, std::string_view args);             // vKill

// handlers_control.cpp
void insert_breakpoint(Context&, std::string_view args);        // Z
void remove_breakpoint(Context&, std::string_view args);        // z
void watchpoint_support_info(Context&, std::string_view args);  // qWatchpointSupportInfo
void pass_signals(Context&, std::string_view args);             // QPassSignals:
void program_signals(Context&, std::string_view args);          // QProgramSignals:
void threads_info(Context&, std::string_view args);             // jThreadsInfo

// handlers_extended.cpp (--multi)
void extended_mode(Context&, std::string_view args);          // !
void run(Context&, std::string_view args);                    // vRun;
void attach(Context&, std::string_view args);                 // vAttach;
void environment_hex(Context&, std::string_view args);        // QEnvironmentHexEncoded:
void environment_plain(Context&, std::string_view args);      // QEnvironment: (lldb)
void environment_unset(Context&, std::string_view args);      // QEnvironmentUnset:
void environment_reset(Context&, std::string_view args);      // QEnvironmentReset
void set_working_dir(Context&, std::string_view args);        // QSetWorkingDir:
void startup_with_shell(Context&, std::string_view args);     // QStartupWithShell:
void disable_randomization(Context&, std::string_view args);  // QDisableRandomization:, QSetDisableASLR:

// handlers_xfer.cpp
void xfer_read(Context&, std::string_view args);         // qXfer:<object>:read

// handlers_vfile.cpp
void host_io(Context&, std::string_view args);           // vFile:<operation>:...

}  // namespace rspstub::stub::handlers
