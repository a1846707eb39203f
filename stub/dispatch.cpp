#include "stub/dispatch.hpp"

#include <algorithm>
#include <array>
#include <vector>

#include "stub/handlers.hpp"

namespace rspstub::stub {
namespace {

using namespace handlers;

constexpr DispatchEntry kTable[] = {
    // memory: the hot path
    {"m", Match::prefix, read_memory_hex},
    {"x", Match::prefix, read_memory_binary},
    {"M", Match::prefix, write_memory_hex},
    {"X", Match::prefix, write_memory_binary},
    // negotiation
    {"qSupported", Match::prefix, supported},
    {"QStartNoAckMode", Match::exact, start_no_ack_mode},
    {"QEnableErrorStrings", Match::exact, enable_error_strings},
    {"QThreadSuffixSupported", Match::exact, thread_suffix_supported},
    {"QListThreadsInStopReply", Match::exact, list_threads_in_stop_reply},
    // queries
    {"qHostInfo", Match::exact, host_info},
    {"qProcessInfo", Match::exact, process_info},
    {"qAttached", Match::prefix, attached},
    {"qSymbol:", Match::prefix, symbol},
    {"qC", Match::exact, current_thread},
    {"qfThreadInfo", Match::exact, first_thread_info},
    {"qsThreadInfo", Match::exact, next_thread_info},
    {"qMemoryRegionInfo:", Match::prefix, memory_region_info},
    {"qGetTIBAddr:", Match::prefix, thread_information_block},
    {"qXfer:", Match::prefix, xfer_read},
    {"T", Match::prefix, thread_alive},
    // host files (vFile)
    {"vFile:", Match::prefix, host_io},
    // registers
    {"g", Match::prefix, read_registers},  // prefix: lldb appends ;thread:<tid>;
    {"p", Match::prefix, read_register},
    {"G", Match::prefix, write_registers},
    {"P", Match::prefix, write_register},
    // run control
    {"?", Match::exact, stop_reason},
    {"qThreadStopInfo", Match::prefix, thread_stop_info},
    {"H", Match::prefix, set_thread},
    {"vCont?", Match::exact, vcont_query},
    {"vCont;", Match::prefix, resume},
    {"c", Match::prefix, resume_c},
    {"s", Match::prefix, resume_s},
    {"C", Match::prefix, resume_C},
    {"S", Match::prefix, resume_S},
    {"vCtrlC", Match::exact, ctrl_c},
    {"D", Match::prefix, detach},
    {"k", Match::exact, kill},
    {"vKill;", Match::prefix, vkill},
    {"Z", Match::prefix, insert_breakpoint},
    {"z", Match::prefix, remove_breakpoint},
    {"qWatchpointSupportInfo", Match::prefix, watchpoint_support_info},
    {"QPassSignals:", Match::prefix, pass_signals},
    {"QProgramSignals:", Match::prefix, program_signals},
    {"jThreadsInfo", Match::exact, threads_info},
    // extended-remote (--multi)
    {"!", Match::exact, extended_mode},
    {"vRun;", Match::prefix, run},
    {"vAttach;", Match::prefix, attach},
    {"QEnvironmentHexEncoded:", Match::prefix, environment_hex},
    {"QEnvironment:", Match::prefix, environment_plain},
    {"QEnvironmentUnset:", Match::prefix, environment_unset},
    {"QEnvironmentReset", Match::exact, environment_reset},
    {"QSetWorkingDir:", Match::prefix, set_working_dir},
    {"QStartupWithShell:", Match::prefix, startup_with_shell},
    {"QDisableRandomization:", Match::prefix, disable_randomization},
    {"QSetDisableASLR:", Match::prefix, disable_randomization},
};

// Entries bucketed by first character, longest name first within a bucket.
struct Index {
  std::array<std::vector<const DispatchEntry*>, 256> by_first;
  Index() {
    for (const auto& e : kTable) by_first[static_cast<unsigned char>(e.name[0])].push_back(&e);
    for (auto& bucket : by_first)
      std::stable_sort(bucket.begin(), bucket.end(), [](auto* a, auto* b) {
        return a->name.size() > b->name.size();
      });
  }
};

}  // namespace

const DispatchEntry* find_handler(std::string_view payload, std::string_view& args) noexcept {
  static const Index index;
  if (payload.empty()) return nullptr;
  for (const DispatchEntry* e : index.by_first[static_cast<unsigned char>(payload[0])]) {
    const bool hit = e->match == Match::exact ? payload == e->name : payload.starts_with(e->name);
    if (hit) {
      args = payload.substr(e->name.size());
      return e;
    }
  }
  return nullptr;
}

}  // namespace rspstub::stub
