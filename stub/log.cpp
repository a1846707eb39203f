#include "stub/log.hpp"

namespace rspstub::stub {

Logger::~Logger() {
  if (packet_file_ != nullptr) std::fclose(packet_file_);
}

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  static constexpr const char* kNames[] = {"error", "warning", "info", "debug"};
  std::fprintf(stderr, "rspstub: %s%s%.*s\n", level <= LogLevel::warn ? kNames[int(level)] : "",
               level <= LogLevel::warn ? ": " : "", static_cast<int>(message.size()),
               message.data());
}

bool Logger::open_packet_log(const std::string& path) {
  packet_file_ = std::fopen(path.c_str(), "a");
  return packet_file_ != nullptr;
}

void Logger::packet(std::string_view dir, std::string_view bytes) {
  if (packet_file_ == nullptr) return;
  std::fprintf(packet_file_, "%.*s ", static_cast<int>(dir.size()), dir.data());
  for (char c : bytes) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && u != '\\') std::fputc(c, packet_file_);
    else std::fprintf(packet_file_, "\\x%02x", u);
  }
  std::fputc('\n', packet_file_);
  std::fflush(packet_file_);
}

}  // namespace rspstub::stub
