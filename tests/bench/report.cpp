#include "report.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <cstdio>
#include <functional>

#include "verify.hpp"

namespace bench {
namespace {

// A stub's entry for one figure of its session.
using Figure = std::function<Cell(const SessionFigures&)>;

constexpr double kKiBPerMiB = 1024.0;  // VmRSS is in KiB

std::string size_label(std::size_t bytes) {
  if (bytes % (1u << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  if (bytes % 1024 == 0) return std::to_string(bytes >> 10) + " KiB";
  return std::to_string(bytes) + " B";
}

std::string format(const char* spec, double value) {
  char text[64];
  std::snprintf(text, sizeof text, spec, value);
  return text;
}

std::string hex(std::size_t value) {
  char text[32];
  std::snprintf(text, sizeof text, "0x%zx", value);
  return text;
}

Cell session_cell(const StubResult& r, const Figure& figure) {
  if (!r.spec.exe) return {std::nullopt, "skipped"};
  if (!r.session) return {std::nullopt, "FAIL"};
  return figure(*r.session);
}

Row session_row(const std::vector<StubResult>& results, std::string label, Better better,
                int decimals, const Figure& figure) {
  Row row{std::move(label), better, decimals, {}, std::nullopt, {}, VsLimit::none};
  for (const auto& r : results) row.cells.push_back(session_cell(r, figure));
  return row;
}

Row with_limit(Row row, std::optional<double> limit, std::string name, VsLimit vs) {
  row.limit = limit;
  row.limit_name = std::move(name);
  row.vs_limit = vs;
  return row;
}

using ClientRuns = std::map<RealClient, EndToEnd> StubResult::*;

Row client_row(const std::vector<StubResult>& results, ClientRuns runs, RealClient client,
               std::string label) {
  Row row{std::move(label), Better::lower, 2, {}, std::nullopt, {}, VsLimit::none};
  for (const auto& r : results) {
    auto it = (r.*runs).find(client);
    if (!r.spec.exe) {
      row.cells.push_back({std::nullopt, "skipped"});
    } else if (it == (r.*runs).end()) {
      row.cells.push_back({std::nullopt, "not run"});
    } else {
      row.cells.push_back(Cell::of(it->second.seconds, it->second.skipped ? "n/a" : "FAIL"));
    }
  }
  return row;
}

Row limit_row(std::size_t columns, std::string label, std::optional<double> value, int decimals) {
  return Row{std::move(label), Better::higher, decimals, std::vector<Cell>(columns), value, {},
             VsLimit::none};
}

std::optional<double> by_size(const std::map<std::size_t, double>& m, std::size_t request) {
  auto it = m.find(request);
  return it == m.end() ? std::nullopt : std::optional<double>(it->second);
}

std::optional<double> mib(std::optional<std::uint64_t> kib) {
  if (!kib) return std::nullopt;
  return static_cast<double>(*kib) / kKiBPerMiB;
}

const SessionFigures* own_session(const std::vector<StubResult>& results) {
  for (const auto& r : results)
    if (r.spec.name == "rspstub" && r.session) return &*r.session;
  return nullptr;
}

// What rspstub's bulk reads are compared with: the loopback TCP stream measured alongside them
// (measure.hpp), or, without them, the one measured with the limits.
struct StreamLimit {
  double mbps;
  const char* name;
};
StreamLimit stream_limit(const SessionFigures* own, const Limits& lim) {
  if (own && own->stream_alongside_mbps) return {*own->stream_alongside_mbps, "TCP alongside"};
  return {lim.tcp_stream_mbps, "TCP"};
}

// Likewise for the 8-byte reads: the round trip timed in blocks between them.
struct RttLimit {
  double p50_us;
  double p99_us;
  const char* name;
};
RttLimit rtt_limit(const SessionFigures* own, const Limits& lim) {
  if (own && own->small_m && own->small_m->rtt_p50_us > 0)
    return {own->small_m->rtt_p50_us, own->small_m->rtt_p99_us, "RTT alongside"};
  return {lim.rtt_p50_us, lim.rtt_p99_us, "RTT"};
}

Cell x_cell(const SessionFigures& f, std::optional<double> value, const std::string& absent) {
  if (f.x_dialect == rsp::XDialect::none) return {std::nullopt, "no x"};
  return Cell::of(value, absent);
}

void add_throughput_rows(Table& t, const std::vector<StubResult>& res, const Limits& lim) {
  const StreamLimit stream = stream_limit(own_session(res), lim);
  t.rows.push_back(
      with_limit(session_row(res, "bulk `m`, largest request (MB/s)", Better::higher, 0,
                             [](const SessionFigures& f) { return Cell::of(f.bulk_m_mbps); }),
                 stream.mbps, stream.name, VsLimit::percent));
  t.rows.push_back(
      with_limit(session_row(res, "bulk `x`, largest request (MB/s)", Better::higher, 0,
                             [](const SessionFigures& f) { return x_cell(f, f.bulk_x_mbps, "—"); }),
                 stream.mbps, stream.name, VsLimit::percent));
  for (std::size_t request : kRequestSizes) {
    t.rows.push_back(session_row(res, "`m`, " + size_label(request) + " requests (MB/s)",
                                 Better::higher, request < 4096 ? 1 : 0,
                                 [request](const SessionFigures& f) {
                                   return Cell::of(by_size(f.m_by_size_mbps, request), "> max");
                                 }));
  }
  for (std::size_t request : kRequestSizes) {
    t.rows.push_back(session_row(res, "`x`, " + size_label(request) + " requests (MB/s)",
                                 Better::higher, request < 4096 ? 1 : 0,
                                 [request](const SessionFigures& f) {
                                   return x_cell(f, by_size(f.x_by_size_mbps, request), "> max");
                                 }));
  }
}

void add_latency_rows(Table& t, const std::vector<StubResult>& res, const Limits& lim) {
  auto small = [](double Latency::*field) {
    return [field](const SessionFigures& f) {
      return f.small_m ? Cell{(*f.small_m).*field, {}} : Cell{std::nullopt, "—"};
    };
  };
  t.rows.push_back(session_row(res, "8-byte `m` reads (reads/s)", Better::higher, 0,
                               small(&Latency::reads_per_second)));
  const RttLimit rtt = rtt_limit(own_session(res), lim);
  t.rows.push_back(with_limit(
      session_row(res, "8-byte `m` p50 latency (µs)", Better::lower, 1, small(&Latency::p50_us)),
      rtt.p50_us, rtt.name, VsLimit::times));
  t.rows.push_back(with_limit(
      session_row(res, "8-byte `m` p99 latency (µs)", Better::lower, 1, small(&Latency::p99_us)),
      rtt.p99_us, std::string(rtt.name) + " p99", VsLimit::times));
}

void add_memory_rows(Table& t, const std::vector<StubResult>& res) {
  t.rows.push_back(
      session_row(res, "stub peak VmRSS during the bulk reads (MiB)", Better::lower, 1,
                  [](const SessionFigures& f) { return Cell::of(mib(f.rss_peak_kib)); }));
  t.rows.push_back(session_row(res, "stub VmHWM after the bulk reads (MiB)", Better::lower, 1,
                               [](const SessionFigures& f) { return Cell::of(mib(f.hwm_kib)); }));
}

void add_limit_rows(Table& t, const Limits& lim) {
  std::size_t n = t.stubs.size();
  for (std::size_t call : kVmReadvCalls)
    t.rows.push_back(
        limit_row(n, "limit: process_vm_readv copy, " + size_label(call) + " calls (MB/s)",
                  by_size(lim.vm_readv_mbps, call), 0));
  t.rows.push_back(limit_row(n,
                             "process_vm_readv, " + size_label(kVmReadvCalls[0]) +
                                 " calls landing " + std::to_string(kVmReadvNearDistance) +
                                 " B past the source mod 4 KiB (MB/s)",
                             lim.vm_readv_near_mbps > 0
                                 ? std::optional<double>(lim.vm_readv_near_mbps)
                                 : std::nullopt,
                             0));
  t.rows.push_back(limit_row(n, "limit: loopback TCP stream (MB/s)", lim.tcp_stream_mbps, 0));
  t.rows.push_back(limit_row(n, "limit: loopback round trip p50 (µs)", lim.rtt_p50_us, 1));
  t.rows.push_back(limit_row(n,
                             "limit: loopback request/reply of bulk `m`-sized replies, no stub "
                             "(MB/s on the wire, median of " +
                                 format("%.1f", lim.request_reply.window_seconds) +
                                 " s windows)",
                             lim.request_reply.median_mbps, 0));
  t.rows.push_back(
      limit_row(n, "limit: this client's `m` decode + verify (MB/s)", lim.client_m_mbps, 0));
  t.rows.push_back(
      limit_row(n, "limit: this client's `x` decode + verify (MB/s)", lim.client_x_mbps, 0));
}

void print_stub_note(std::ostream& out, const StubResult& r) {
  out << "- **" << r.spec.name << "**: ";
  if (!r.spec.exe) {
    out << "skipped: " << r.spec.skip_note << "\n";
    return;
  }
  out << *r.spec.exe;
  if (r.session) {
    const auto& f = *r.session;
    out << "; PacketSize=" << (f.features.packet_size ? hex(f.features.packet_size) : "(none)")
        << (f.features.no_ack ? "; no-ack mode" : "; ack mode")
        << "; x dialect: " << rsp::to_string(f.x_dialect) << "; largest request: m " << f.m_request
        << " B";
    if (f.x_dialect != rsp::XDialect::none) out << ", x " << f.x_request << " B";
    out << "; " << f.reads.requests << " requests, " << f.reads.short_replies << " short replies; "
        << f.bytes_verified << " bytes verified";
    if (f.rss_before_kib)
      out << "; VmRSS before the reads " << format("%.1f", *mib(f.rss_before_kib)) << " MiB";
    if (f.stream_alongside_mbps)
      out << "; loopback TCP stream alongside its bulk reads "
          << format("%.0f", *f.stream_alongside_mbps) << " MB/s";
    if (f.small_m)
      out << "; loopback round trip alongside its 8-byte reads p50 "
          << format("%.1f", f.small_m->rtt_p50_us) << " µs, p99 "
          << format("%.1f", f.small_m->rtt_p99_us) << " µs";
  }
  out << "\n";
  if (!r.failure.empty()) out << "  - FAILED: " << r.failure << "\n";
  for (const auto& [client, e2e] : r.clients) {
    if (e2e.failure.empty()) continue;
    out << "  - " << to_string(client) << (e2e.skipped ? " not run: " : " FAILED: ") << e2e.failure
        << "\n";
  }
  for (const auto& [client, e2e] : r.client_startup)
    if (!e2e.failure.empty() && !e2e.skipped)
      out << "  - " << to_string(client) << " (4 KiB) FAILED: " << e2e.failure << "\n";
}

const StubResult* find_result(const std::vector<StubResult>& results, const std::string& name) {
  for (const auto& r : results)
    if (r.spec.name == name) return &r;
  return nullptr;
}

std::optional<double> client_seconds(const StubResult* r, RealClient client) {
  if (r == nullptr) return std::nullopt;
  auto it = r->clients.find(client);
  return it == r->clients.end() ? std::nullopt : it->second.seconds;
}

// One line of the targets list: met / MISSED, or n/a when a figure is missing.
void print_target(std::ostream& out, const std::string& goal, std::optional<bool> met,
                  const std::string& detail) {
  out << "- " << (!met ? "n/a   " : *met ? "met   " : "MISSED") << " " << goal;
  if (!detail.empty()) out << " (" << detail << ")";
  out << "\n";
}

// The same figure against the limit measured once before the stubs, shown beside the verdict.
std::string also(double value, const char* spec) {
  return "; " + format(spec, value) + " against the limit measured before the stubs";
}

void print_end_to_end_target(std::ostream& out, const std::vector<StubResult>& results,
                             RealClient client) {
  auto own = client_seconds(find_result(results, "rspstub"), client);
  // gdb 13 cannot use lldb-server 19: compare gdb with gdbserver instead.
  std::string peer = client == RealClient::gdb ? "gdbserver" : "lldb-server";
  auto theirs = client_seconds(find_result(results, peer), client);
  std::string goal = std::string(to_string(client)) + " end to end no slower than through " + peer;
  if (!own || !theirs) return print_target(out, goal, std::nullopt, "");
  print_target(out, goal, *own <= *theirs,
               format("%.2f s", *own) + " vs " + format("%.2f s", *theirs));
}

}  // namespace

void print_targets(std::ostream& out, const std::vector<StubResult>& results,
                   const Limits& limits) {
  out << "\nTargets of issue 5 (information only: never a failure of this run; rspstub's figures "
         "against the loopback measured alongside its reads):\n";
  const StubResult* own = find_result(results, "rspstub");
  const SessionFigures* f = own && own->session ? &*own->session : nullptr;
  const StubResult* lldb = find_result(results, "lldb-server");
  const SessionFigures* lf = lldb && lldb->session ? &*lldb->session : nullptr;
  // Against the loopback measured alongside rspstub's own reads (see measure.hpp).
  const double tcp = stream_limit(f, limits).mbps;
  const double rtt = rtt_limit(f, limits).p50_us;

  if (f && f->bulk_x_mbps) {
    print_target(out, "bulk x >= 50% of the TCP stream", *f->bulk_x_mbps >= 0.5 * tcp,
                 format("%.0f%%", 100 * *f->bulk_x_mbps / tcp) +
                     also(100 * *f->bulk_x_mbps / limits.tcp_stream_mbps, "%.0f%%"));
  } else {
    print_target(out, "bulk x >= 50% of the TCP stream", std::nullopt, "");
  }
  if (f && f->bulk_x_mbps && lf && lf->bulk_x_mbps) {
    print_target(out, "bulk x >= 10x lldb-server's x", *f->bulk_x_mbps >= 10 * *lf->bulk_x_mbps,
                 format("%.1fx", *f->bulk_x_mbps / *lf->bulk_x_mbps));
  } else {
    print_target(out, "bulk x >= 10x lldb-server's x", std::nullopt, "");
  }
  if (f && f->bulk_m_mbps) {
    print_target(out, "bulk m >= 25% of the TCP stream", *f->bulk_m_mbps >= 0.25 * tcp,
                 format("%.0f%%", 100 * *f->bulk_m_mbps / tcp) +
                     also(100 * *f->bulk_m_mbps / limits.tcp_stream_mbps, "%.0f%%"));
  } else {
    print_target(out, "bulk m >= 25% of the TCP stream", std::nullopt, "");
  }
  if (f && f->small_m) {
    double times = f->small_m->p50_us / rtt;
    print_target(out, "8-byte p50 within 1.2x the TCP round trip", times <= 1.2,
                 format("%.2fx", times) +
                     also(f->small_m->p50_us / limits.rtt_p50_us, "%.2fx"));
  } else {
    print_target(out, "8-byte p50 within 1.2x the TCP round trip", std::nullopt, "");
  }
  if (f && f->rss_peak_kib) {
    double peak = *mib(f->rss_peak_kib);
    print_target(out, "RSS under 32 MiB during the bulk reads", peak < 32,
                 format("%.1f MiB", peak));
  } else {
    print_target(out, "RSS under 32 MiB during the bulk reads", std::nullopt, "");
  }
  print_end_to_end_target(out, results, RealClient::gdb);
  print_end_to_end_target(out, results, RealClient::lldb);
}

Table build_table(const std::vector<StubResult>& results, const Limits& limits) {
  Table t;
  for (const auto& r : results) t.stubs.push_back(r.spec.name);
  add_throughput_rows(t, results, limits);
  add_latency_rows(t, results, limits);
  add_memory_rows(t, results);
  t.rows.push_back(client_row(results, &StubResult::clients, RealClient::gdb,
                              "gdb `dump binary memory`, whole buffer (s)"));
  t.rows.push_back(client_row(results, &StubResult::client_startup, RealClient::gdb,
                              "gdb, same with 4 KiB: start-up cost (s)"));
  t.rows.push_back(client_row(results, &StubResult::clients, RealClient::lldb,
                              "lldb `memory read --binary`, whole buffer (s)"));
  t.rows.push_back(client_row(results, &StubResult::client_startup, RealClient::lldb,
                              "lldb, same with 4 KiB: start-up cost (s)"));
  add_limit_rows(t, limits);
  return t;
}

void print_notes(std::ostream& out, const std::vector<StubResult>& results, const Limits& limits,
                 const Buffer& buffer, const std::string& conditions) {
  utsname u{};
  ::uname(&u);
  out << "\nBuffer: " << buffer.size << " bytes (" << size_label(buffer.size) << "); "
      << ::sysconf(_SC_NPROCESSORS_ONLN) << " CPUs; Linux " << u.release << ".\n"
      << "MB/s = 10^6 bytes of target memory per second (an `m` reply carries twice that in hex). "
      << "Throughput is the median of the runs; every byte read was checked against the pattern. "
      << "`rspstub ÷ best peer` > 1 is better for rates, < 1 for times, latencies and memory. "
      << "End-to-end times are the whole client run (start-up, attach, read, exit).\n";
  out << "Pattern: " << format("%.2f", 100.0 * escaped_share(buffer.address, buffer.size))
      << "% of the bytes need RSP escaping in binary replies.\n";
  if (limits.vm_readv_mbps.empty()) out << "process_vm_readv: " << limits.vm_readv_note << "\n";
  const RequestReply& rr = limits.request_reply;
  if (rr.windows > 0)
    out << "Loopback request/reply with no stub (" << rr.reply_bytes
        << "-byte replies, the wire size of rspstub's bulk `m` reply; " << rr.windows
        << " windows of " << format("%.1f", rr.window_seconds) << " s): median " << format("%.0f", rr.median_mbps) << ", slowest "
        << format("%.0f", rr.slowest_mbps) << ", fastest " << format("%.0f", rr.fastest_mbps)
        << " MB/s on the wire. How far this machine's own loopback swings within seconds, for the "
           "traffic of a bulk read.\n";
  out << conditions << "\n";
  out << "\n";
  for (const auto& r : results) print_stub_note(out, r);
}

}  // namespace bench
