// The rspstub command line, in gdbserver's habits:
//   rspstub [options] HOST:PORT [-- PROG ARGS...]
//   rspstub [options] --attach PID HOST:PORT
// `:PORT` means 127.0.0.1:PORT; IPv6 as [ADDR]:PORT; PORT 0 picks a free port (printed).
// `unix:PATH` listens on a Unix domain socket (mode 0600); `-` talks over stdin/stdout.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rspstub::stub {

enum class Transport { tcp, unix_socket, stdio };

struct Options {
  Transport transport = Transport::tcp;
  std::string unix_path;  // Transport::unix_socket
  std::string host = "127.0.0.1";
  std::uint16_t port = 0;
  bool host_written_out = false;  // the user typed a host (a non-loopback one gets a warning)
  int attach_pid = 0;
  bool no_stop = false;
  bool multi = false;
  bool once = false;
  bool read_only = false;
  std::size_t packet_size = 0x40000;
  unsigned poll_us = 200;  // SessionConfig::input_poll
  std::string log_packets;  // file for the packet trace; empty = off
  int verbosity = 0;        // -v: 1 (debug)
  bool quiet = false;
  std::vector<std::string> program;  // after `--`
  // --on-failure ADDRESS / --backtrace-only: run the program as a test launcher (stub/on_failure.hpp).
  bool on_failure = false;
  bool backtrace_only = false;
  unsigned wait_seconds = 600;    // --wait: how long a failed program waits for a debugger
  unsigned timeout_seconds = 0;   // --timeout: a run longer than this is a hang; 0 = no limit
};

enum class ParseStatus { run, help, version, error };

struct ParseResult {
  ParseStatus status = ParseStatus::run;
  std::string message;  // the error, for ParseStatus::error
};

ParseResult parse_options(int argc, const char* const* argv, Options& out);

// Takes "HOST:PORT", ":PORT", "[V6]:PORT", "unix:PATH" or "-". False (with a message) if it is
// none of them.
bool parse_listen_address(const std::string& text, Options& out, std::string& error);

const char* usage_text() noexcept;

}  // namespace rspstub::stub
