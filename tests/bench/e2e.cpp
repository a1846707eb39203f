#include "e2e.hpp"

#include <sys/wait.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <vector>

#include "process.hpp"
#include "verify.hpp"

namespace bench {
namespace {

using Clock = std::chrono::steady_clock;

std::string hex(std::uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(value));
  return text;
}

std::vector<std::string> client_command(RealClient client, const std::string& exe,
                                        std::uint16_t port, const Buffer& buffer,
                                        const std::string& out) {
  const std::string where = "127.0.0.1:" + std::to_string(port);
  const std::string range = hex(buffer.address) + " " + hex(buffer.address + buffer.size);
  if (client == RealClient::gdb)
    return {exe,
            "-nx",
            "-batch",
            "-iex",
            "set debuginfod enabled off",
            "-ex",
            "target remote " + where,
            "-ex",
            "dump binary memory " + out + " " + range};
  return {exe,
          "--no-lldbinit",
          "-b",
          "-o",
          "gdb-remote " + where,
          "-o",
          "memory read --binary --force --outfile " + out + " " + range};
}

// Verifies the saved file against the pattern; returns why it is wrong, empty if right.
std::string verify_file(const std::string& path, const Buffer& buffer, const std::string& source) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "no output file";
  std::vector<std::uint8_t> chunk(4u << 20);
  std::uint64_t done = 0;
  while (in) {
    in.read(reinterpret_cast<char*>(chunk.data()), static_cast<std::streamsize>(chunk.size()));
    auto n = static_cast<std::size_t>(in.gcount());
    if (n == 0) break;
    if (done + n > buffer.size) return "output file larger than the buffer";
    verify_pattern(buffer.address + done, {chunk.data(), n}, source);
    done += n;
  }
  if (done != buffer.size)
    return "output file holds " + std::to_string(done) + " of " + std::to_string(buffer.size) +
           " bytes";
  return {};
}

}  // namespace

const char* to_string(RealClient client) { return client == RealClient::gdb ? "gdb" : "lldb"; }

std::string known_incompatibility(RealClient client, const std::string& stub_name) {
  if (client == RealClient::gdb && stub_name == "lldb-server")
    return "gdb 13 rejects lldb-server 19's registers (\"Remote register badly formatted\")";
  return {};
}

std::optional<std::string> find_client(RealClient client) {
  return find_in_path(client == RealClient::gdb ? "gdb" : "lldb-19");
}

EndToEnd run_client(RealClient client, const std::string& exe, std::uint16_t port,
                    const Buffer& buffer, const std::string& workdir,
                    const std::string& stub_name) {
  const std::string name = to_string(client);
  const std::string out = workdir + "/" + name + "-" + stub_name + ".bin";
  const std::string log = workdir + "/" + name + "-" + stub_name + ".log";
  std::remove(out.c_str());
  struct RemoveOnExit {
    const std::string& path;
    ~RemoveOnExit() { std::remove(path.c_str()); }
  } remove_output{out};
  // Generous: the slowest pair reads at tens of MB/s, plus start-up.
  auto timeout = std::chrono::seconds(120 + (buffer.size >> 20));
  auto start = Clock::now();
  Child child(client_command(client, exe, port, buffer, out), log);
  std::optional<int> status =
      child.wait(std::chrono::duration_cast<std::chrono::milliseconds>(timeout));
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  EndToEnd result;
  if (!status) {
    result.failure = name + " timed out; its log:\n" + tail_of_file(log);
  } else if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    result.failure = name + " failed; its log:\n" + tail_of_file(log);
  } else if (auto wrong = verify_file(out, buffer, name + " through " + stub_name);
             !wrong.empty()) {
    result.failure = name + ": " + wrong + "; its log:\n" + tail_of_file(log);
  } else {
    result.seconds = seconds;
  }
  return result;
}

}  // namespace bench
