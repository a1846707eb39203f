#include "stub/options.hpp"

#include <charconv>
#include <string_view>

namespace rspstub::stub {
namespace {

bool parse_number(std::string_view text, std::uint64_t max, std::uint64_t& out, int base = 10) {
  if (text.empty()) return false;
  if (base == 16 && (text.starts_with("0x") || text.starts_with("0X"))) text.remove_prefix(2);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, base);
  return ec == std::errc() && end == text.data() + text.size() && out <= max;
}

}  // namespace

const char* usage_text() noexcept {
  return R"(Usage: rspstub [options] HOST:PORT -- PROG [ARGS...]
       rspstub [options] --attach PID HOST:PORT

Serves a process to gdb (target remote) and lldb (gdb-remote) over the GDB Remote Serial Protocol.
With "-- PROG ARGS" it starts PROG stopped at its first instruction (killed when rspstub ends);
with --attach PID it stops that process (detached again when rspstub ends), or with --no-stop
only inspects it while it runs.
HOST:PORT  where to listen. ":PORT" means 127.0.0.1:PORT; IPv6 as "[::1]:PORT". Port 0 picks a
           free port. Any address other than loopback is reachable from the network: a warning
           is printed, since a debugger can do anything the target process can.
           "unix:PATH" listens on a Unix domain socket created with mode 0600; "-" speaks over
           stdin/stdout (gdb: target remote | rspstub --attach PID --no-stop -).

Options:
  --attach PID        serve an already running process (stopped under our control)
  --no-stop           inspection only: never stop the process; memory reads work, writes,
                      breakpoints and register changes are refused (E07)
  --read-only         refuse every write (E0c)
  --once              exit when the first debugger disconnects
  --multi             extended-remote: the debugger starts (run) and attaches to processes;
                      rspstub outlives each of them (a program after -- or --attach PID
                      gives it a first one)

Test launcher:  rspstub --on-failure HOST:PORT [--wait S] [--timeout S] -- PROG [ARGS...]
  --on-failure ADDR   run PROG at full speed (its stdout, stderr and exit status pass through);
                      if it is about to die from an unhandled core-dumping signal (SIGSEGV,
                      SIGABRT, ...) or runs past --timeout, keep it stopped, print one line with
                      the gdb and lldb commands, and serve it on ADDR (HOST:PORT or unix:PATH)
  --wait S            how long to wait for a debugger (default 600); then, or with --wait 0,
                      print a backtrace of every thread and end as the program would have:
                      exit status 128+signal (the program dies of its signal), 124 for a timeout
  --timeout S         treat a run longer than S seconds as a hang (default: no limit)
  --backtrace-only    on a failure print the backtrace at once, serve nobody (no ADDR needed)
  --packet-size N     largest packet accepted, in bytes (hex with 0x; default 0x40000)
  --poll-us N         after a reply, try this long (microseconds) for the next request before
                      sleeping: saves a wake-up per request on fast links (default 200; 0: off)
  --log-packets FILE  append a trace of every packet, both directions, to FILE
  -v, --verbose       log unsupported packets and other details
  -q, --quiet         log only errors
  -h, --help          this text
  --version           print the version
)";
}

bool parse_listen_address(const std::string& text, Options& out, std::string& error) {
  std::string_view t = text;
  if (t == "-") {
    out.transport = Transport::stdio;
    return true;
  }
  if (t.starts_with("unix:")) {
    if (t.size() == 5) {
      error = "bad address '" + text + "': expected unix:PATH";
      return false;
    }
    out.transport = Transport::unix_socket;
    out.unix_path = std::string(t.substr(5));
    return true;
  }
  std::string host;
  std::string_view port;
  if (t.starts_with("[")) {
    const auto close = t.find(']');
    if (close == std::string_view::npos || close + 1 >= t.size() || t[close + 1] != ':') {
      error = "bad address '" + text + "': expected [IPV6]:PORT";
      return false;
    }
    host = std::string(t.substr(1, close - 1));
    port = t.substr(close + 2);
  } else {
    const auto colon = t.rfind(':');
    if (colon == std::string_view::npos) {
      error = "bad address '" + text + "': expected HOST:PORT or :PORT";
      return false;
    }
    host = std::string(t.substr(0, colon));
    port = t.substr(colon + 1);
  }
  std::uint64_t p = 0;
  if (!parse_number(port, 65535, p)) {
    error = "bad port '" + std::string(port) + "' in '" + text + "': expected 0 to 65535";
    return false;
  }
  out.port = static_cast<std::uint16_t>(p);
  out.host_written_out = !host.empty();
  out.host = host.empty() ? "127.0.0.1" : host;
  return true;
}

ParseResult parse_options(int argc, const char* const* argv, Options& out) {
  auto fail = [](std::string m) { return ParseResult{ParseStatus::error, std::move(m)}; };
  bool have_address = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view a = argv[i];
    // The option's value: the next argument.
    auto value = [&](std::string_view, std::string& v) -> bool {
      if (i + 1 >= argc) return false;
      v = argv[++i];
      return true;
    };
    std::string v;
    if (a == "--") {
      for (++i; i < argc; ++i) out.program.emplace_back(argv[i]);
      break;
    } else if (a == "-h" || a == "--help") {
      return {ParseStatus::help, {}};
    } else if (a == "--version") {
      return {ParseStatus::version, {}};
    } else if (a == "--attach") {
      std::uint64_t pid = 0;
      if (!value(a, v) || !parse_number(v, 0x7fffffff, pid) || pid == 0)
        return fail("--attach needs a process id (a positive number)");
      out.attach_pid = static_cast<int>(pid);
    } else if (a == "--no-stop") {
      out.no_stop = true;
    } else if (a == "--read-only") {
      out.read_only = true;
    } else if (a == "--once") {
      out.once = true;
    } else if (a == "--multi") {
      out.multi = true;
    } else if (a == "--on-failure") {
      std::string error;
      if (!value(a, v)) return fail("--on-failure needs an address (HOST:PORT or unix:PATH)");
      if (have_address || !parse_listen_address(v, out, error))
        return fail(have_address ? "--on-failure takes the only address" : error);
      have_address = true;
      out.on_failure = true;
    } else if (a == "--backtrace-only") {
      out.on_failure = true;
      out.backtrace_only = true;
    } else if (a == "--wait" || a == "--timeout") {
      std::uint64_t n = 0;
      if (!value(a, v) || !parse_number(v, 30 * 24 * 3600, n))
        return fail(std::string(a) + " needs a number of seconds (0 to 2592000)");
      (a == "--wait" ? out.wait_seconds : out.timeout_seconds) = static_cast<unsigned>(n);
    } else if (a == "--packet-size") {
      std::uint64_t n = 0;
      if (!value(a, v) || !parse_number(v, 16u << 20, n, v.starts_with("0x") ? 16 : 10) ||
          n < 512)
        return fail("--packet-size needs a size from 512 to 16777216 bytes");
      out.packet_size = static_cast<std::size_t>(n);
    } else if (a == "--poll-us") {
      std::uint64_t n = 0;
      if (!value(a, v) || !parse_number(v, 100000, n))
        return fail("--poll-us needs a number of microseconds (0 to 100000)");
      out.poll_us = static_cast<unsigned>(n);
    } else if (a == "--log-packets") {
      if (!value(a, v) || v.empty()) return fail("--log-packets needs a file name");
      out.log_packets = v;
    } else if (a == "-v" || a == "--verbose") {
      out.verbosity = 1;
    } else if (a == "-q" || a == "--quiet") {
      out.quiet = true;
    } else if (a.size() > 1 && a.starts_with("-")) {
      return fail("unknown option '" + std::string(a) + "' (see --help)");
    } else if (!have_address) {
      std::string error;
      if (!parse_listen_address(std::string(a), out, error)) return fail(error);
      have_address = true;
    } else {
      return fail("unexpected argument '" + std::string(a) +
                  "': put the program to run after '--'");
    }
  }
  if (out.on_failure) {
    if (out.program.empty()) return fail("--on-failure needs a program to run after '--'");
    if (out.attach_pid != 0) return fail("--on-failure runs a program; it does not take --attach");
    if (out.transport == Transport::stdio)
      return fail("--on-failure needs an address to wait on (HOST:PORT or unix:PATH), not '-'");
    if (!have_address && !out.backtrace_only)
      return fail("--on-failure needs an address (or use --backtrace-only)");
    return {};
  }
  if (!have_address) return fail("missing HOST:PORT to listen on (see --help)");
  if (out.attach_pid != 0 && !out.program.empty())
    return fail("--attach and a program to run exclude each other");
  if (out.multi && out.no_stop)
    return fail("--multi controls the processes it serves; it does not take --no-stop");
  if (out.attach_pid == 0 && out.program.empty() && !out.multi)
    return fail("nothing to debug: give --attach PID, or a program after '--'");
  return {};
}

}  // namespace rspstub::stub
