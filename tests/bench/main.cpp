// rspstub-bench: serves one pattern-filled buffer through rspstub, gdbserver and lldb-server in
// turn (each attached to a fresh target), measures each with the benchmark's own RSP client and
// with the real gdb and lldb, measures the machine's limits, and prints one table.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include "cpu_latency.hpp"
#include "e2e.hpp"
#include "limits.hpp"
#include "measure.hpp"
#include "options.hpp"
#include "peers.hpp"
#include "process.hpp"
#include "report.hpp"
#include "rsp_client.hpp"
#include "verify.hpp"

namespace bench {
namespace {

constexpr std::uint64_t kStartupBytes = 4096;  // the real clients' fixed cost is read with this

void progress(const std::string& text) { std::cerr << "[rspstub-bench] " << text << std::endl; }

// A wrong byte: the loudest message of the run.
void shout(const VerifyError& e) { std::cerr << "\n!!!!!!!! " << e.what() << " !!!!!!!!\n\n"; }

// A private working directory for info files, logs and client outputs.
class WorkDir {
 public:
  WorkDir() {
    char name[] = "/tmp/rspstub-bench.XXXXXX";
    if (::mkdtemp(name) == nullptr) throw std::runtime_error("cannot create a temporary directory");
    path_ = name;
  }
  ~WorkDir() {
    if (keep_) {
      progress("logs kept in " + path_);
    } else {
      std::error_code ignored;
      std::filesystem::remove_all(path_, ignored);
    }
  }
  WorkDir(const WorkDir&) = delete;
  WorkDir& operator=(const WorkDir&) = delete;
  const std::string& path() const { return path_; }
  void keep() { keep_ = true; }

 private:
  std::string path_;
  bool keep_ = false;
};

// The length of each loopback TCP stream, the limit's and those measured alongside the bulk
// reads alike (on this VM a 256 MiB stream ran 15-20% faster than a 1 GiB one).
std::uint64_t stream_bytes(const Options& o) { return o.quick ? 64ULL << 20 : 1ULL << 30; }

Limits measure_limits(const Options& o, const std::string& dir, Buffer& buffer) {
  Limits limits;
  {
    Target target(o.target, o.size, dir);
    buffer = target.buffer();
    progress("limit: process_vm_readv of the target's buffer");
    for (std::size_t call : kVmReadvCalls)
      if (auto mbps = vm_readv_mbps(target.pid(), buffer, call, kVmReadvDistance, o.repetitions,
                                    limits.vm_readv_note))
        limits.vm_readv_mbps[call] = *mbps;
    if (auto mbps = vm_readv_mbps(target.pid(), buffer, kVmReadvCalls[0], kVmReadvNearDistance,
                                  o.repetitions, limits.vm_readv_note))
      limits.vm_readv_near_mbps = *mbps;
  }
  progress("limit: loopback TCP stream and round trip");
  limits.tcp_stream_mbps = tcp_stream_mbps(stream_bytes(o), o.repetitions);
  tcp_round_trip(o.small_reads, limits.rtt_p50_us, limits.rtt_p99_us);
  progress("limit: loopback request/reply of bulk m replies, no stub");
  limits.request_reply = tcp_request_reply(bulk_m_reply_bytes(), o.quick ? 0.5 : 3.0, 0.1);
  progress("limit: this client's decoding and verification");
  limits.client_m_mbps = client_ceiling_mbps(true, o.size, o.repetitions);
  limits.client_x_mbps = client_ceiling_mbps(false, o.size, o.repetitions);
  return limits;
}

SessionPlan session_plan(const Options& o) {
  SessionPlan plan;
  plan.repetitions = o.repetitions;
  plan.small_reads = o.small_reads;
  plan.stream_bytes = stream_bytes(o);
  plan.by_size_seconds = o.quick ? 0.1 : 0.5;
  return plan;
}

void measure_with_own_client(const StubSpec& spec, const Options& o, const std::string& dir,
                             StubResult& r) {
  progress(spec.name + ": own client (bulk m/x, by request size, 8-byte reads)");
  try {
    Target target(o.target, o.size, dir);
    RunningStub stub(spec, target.pid(), dir + "/" + spec.name + ".log");
    rsp::Client client(stub.port());
    client.handshake();
    r.session = measure_session(client, stub.pid(), target.buffer(), session_plan(o), spec.name);
  } catch (const VerifyError& e) {
    r.failure = e.what();
    shout(e);
  } catch (const std::exception& e) {
    r.failure = e.what();
    progress(spec.name + " FAILED: " + e.what());
  }
}

// A real client reading `bytes` of a fresh target through a fresh stub, timed and verified.
EndToEnd one_client_run(const StubSpec& spec, RealClient client, const std::string& exe,
                        std::uint64_t bytes, const Options& o, const std::string& dir) {
  EndToEnd result;
  try {
    Target target(o.target, bytes, dir);
    RunningStub stub(
        spec, target.pid(),
        dir + "/" + spec.name + "-for-" + to_string(client) + "-" + std::to_string(bytes) + ".log");
    result = run_client(client, exe, stub.port(), target.buffer(), dir, spec.name);
  } catch (const VerifyError& e) {
    result.failure = e.what();
    shout(e);
  } catch (const std::exception& e) {
    result.failure = e.what();
  }
  if (!result.failure.empty()) progress(spec.name + ": " + to_string(client) + " FAILED");
  return result;
}

// The client's fixed cost (a 4 KiB read; not with --quick), then the whole buffer.
void measure_with_real_client(const StubSpec& spec, RealClient client, const Options& o,
                              const std::string& dir, StubResult& r) {
  auto exe = find_client(client);
  std::string why = exe ? known_incompatibility(client, spec.name)
                        : std::string(to_string(client)) + " is not installed";
  if (!why.empty()) {
    r.clients[client] = r.client_startup[client] = {std::nullopt, why, true};
    return;
  }
  progress(spec.name + ": " + to_string(client) + " end to end");
  if (!o.quick)
    r.client_startup[client] = one_client_run(spec, client, *exe, kStartupBytes, o, dir);
  r.clients[client] = one_client_run(spec, client, *exe, o.size, o, dir);
}

StubResult measure_stub(const StubSpec& spec, const Options& o, const std::string& dir) {
  StubResult r{spec, std::nullopt, {}, {}, {}};
  if (!spec.exe) {
    progress(spec.name + ": skipped (" + spec.skip_note + ")");
    return r;
  }
  measure_with_own_client(spec, o, dir, r);
  if (o.end_to_end) {
    measure_with_real_client(spec, RealClient::gdb, o, dir, r);
    measure_with_real_client(spec, RealClient::lldb, o, dir, r);
  }
  return r;
}

bool failed(const StubResult& r) {
  if (!r.failure.empty()) return true;
  for (const auto* runs : {&r.clients, &r.client_startup})
    for (const auto& [client, e2e] : *runs)
      if (!e2e.failure.empty() && !e2e.skipped) return true;
  return false;
}

int run(const Options& o) {
  install_cleanup_handlers();
  auto specs = resolve_stubs(o.stubs, o.rspstub);
  std::optional<CpuLatencyGuard> cpu_latency;
  if (!o.allow_cpu_idle) cpu_latency.emplace();
  WorkDir dir;
  if (o.keep_temp) dir.keep();
  Buffer buffer;
  Limits limits = measure_limits(o, dir.path(), buffer);
  std::vector<StubResult> results;
  for (const auto& spec : specs) results.push_back(measure_stub(spec, o, dir.path()));

  std::cout << "\n";
  print_markdown(std::cout, build_table(results, limits));
  print_notes(std::cout, results, limits, buffer,
              cpu_latency ? cpu_latency->note() : "CPU idle states left alone (--allow-cpu-idle).");
  print_targets(std::cout, results, limits);
  bool any_failure = false;
  for (const auto& r : results) any_failure = any_failure || failed(r);
  if (any_failure) {
    dir.keep();
    std::cout << "\nRESULT: FAILED (see the notes above)\n";
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  std::optional<bench::Options> options;
  try {
    options = bench::parse_options(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "rspstub-bench: " << e.what() << "\n";
    return 2;
  }
  if (!options) return 0;
  try {
    return bench::run(*options);
  } catch (const bench::VerifyError& e) {
    bench::shout(e);
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "rspstub-bench: " << e.what() << "\n";
    return 1;
  }
}
