// Test helpers: frame packets the way a client does, drive a Session with them, and take its
// replies apart. Checksums here are computed independently of protocol/.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stub/session.hpp"

namespace rspstub::test {

inline std::string checksum_hex(std::string_view body) {
  unsigned sum = 0;
  for (char c : body) sum += static_cast<unsigned char>(c);
  static const char* d = "0123456789abcdef";
  return {d[(sum >> 4) & 15], d[sum & 15]};
}

// "$body#cs" with body sent as is (callers escape binary themselves).
inline std::string frame(std::string_view body) {
  return "$" + std::string(body) + "#" + checksum_hex(body);
}

// Feeds all of `bytes` to the session, concatenating every output. Records whether the session
// asked to close.
struct Driver {
  stub::Session& session;
  bool closed = false;
  std::size_t steps = 0;
  std::size_t pieces = 0;  // extra pieces of streamed replies

  std::string feed(std::string_view bytes) {
    std::string out;
    while (!bytes.empty()) {
      auto step = session.feed({bytes.data(), bytes.size()});
      ++steps;
      out.append(step.output);
      for (auto piece = step; piece.more;) {  // a reply streamed in pieces
        piece = session.continue_reply();
        ++pieces;
        out.append(piece.output);
      }
      bytes.remove_prefix(step.consumed);
      if (step.close) {
        closed = true;
        break;
      }
      if (step.consumed == 0 && step.output.empty()) break;  // would loop forever: a bug
    }
    session.speculate();  // idle, as a connection is once it has no input left
    return out;
  }
  // Sends one packet; returns the raw reply bytes.
  std::string send(std::string_view payload) { return feed(frame(payload)); }
  // Opens a connection as gdb and lldb do: ack, QStartNoAckMode, ack. Replies are not checked
  // (the handshake tests check them).
  void start_no_ack() {
    feed("+");
    send("QStartNoAckMode");
    feed("+");
  }
};

// Splits "[+]$payload#cs" and checks the checksum; returns the payload (escaped as on the wire).
// Empty optional-like: returns "<bad reply: ...>" text on any framing error so asserts show it.
inline std::string payload_of(std::string_view reply, bool expect_ack = false) {
  if (expect_ack) {
    if (reply.empty() || reply[0] != '+') return "<bad reply: no ack> " + std::string(reply);
    reply.remove_prefix(1);
  }
  if (reply.size() < 4 || reply.front() != '$' || reply[reply.size() - 3] != '#')
    return "<bad reply: framing> " + std::string(reply);
  std::string_view body = reply.substr(1, reply.size() - 4);
  if (checksum_hex(body) != reply.substr(reply.size() - 2))
    return "<bad reply: checksum> " + std::string(reply);
  return std::string(body);
}

// Undoes stub->client binary escaping (`}` x -> x ^ 0x20).
inline std::string unescape(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '}' && i + 1 < s.size()) out += static_cast<char>(s[++i] ^ 0x20);
    else out += s[i];
  }
  return out;
}

// A reply payload with its run lengths expanded, as gdb and lldb do on receipt: `c*N` is c and
// N - 29 more copies of it.
inline std::string expand_runs(std::string_view wire) {
  std::string out;
  for (std::size_t i = 0; i < wire.size(); ++i) {
    if (wire[i] == '*' && !out.empty() && i + 1 < wire.size())
      out.append(static_cast<unsigned char>(wire[++i]) - 29u, out.back());
    else
      out += wire[i];
  }
  return out;
}

inline std::string to_hex(std::string_view bytes) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += d[c >> 4];
    out += d[c & 15];
  }
  return out;
}

}  // namespace rspstub::test
