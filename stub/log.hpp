// Logging: one line per event on stderr, and an opt-in packet trace (--log-packets FILE) with
// both directions, binary bytes shown as \xNN. Nothing is formatted unless its level is on.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace rspstub::stub {

enum class LogLevel { error = 0, warn = 1, info = 2, debug = 3 };

class Logger {
 public:
  Logger() = default;
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void set_level(LogLevel level) noexcept { level_ = level; }
  bool enabled(LogLevel level) const noexcept { return level <= level_; }
  void log(LogLevel level, std::string_view message);

  bool open_packet_log(const std::string& path);
  bool packets_enabled() const noexcept { return packet_file_ != nullptr; }
  // dir: "<-" from the client, "->" to the client.
  void packet(std::string_view dir, std::string_view bytes);

 private:
  LogLevel level_ = LogLevel::info;
  std::FILE* packet_file_ = nullptr;
};

}  // namespace rspstub::stub
