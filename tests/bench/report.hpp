// Turns the measurements into the result table and the notes printed under it.
#pragma once

#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "e2e.hpp"
#include "limits.hpp"
#include "measure.hpp"
#include "peers.hpp"
#include "table.hpp"

namespace bench {

struct StubResult {
  StubSpec spec;
  std::optional<SessionFigures> session;
  std::string failure;                            // the session's failure, if any
  std::map<RealClient, EndToEnd> clients;         // reading the whole buffer
  std::map<RealClient, EndToEnd> client_startup;  // reading 4 KiB: the client's fixed cost
};

Table build_table(const std::vector<StubResult>& results, const Limits& limits);

// The run's conditions (`conditions`: one more line of them), then per-stub details
// (PacketSize, x dialect, request sizes, short replies), skips and failures.
void print_notes(std::ostream& out, const std::vector<StubResult>& results, const Limits& limits,
                 const Buffer& buffer, const std::string& conditions);

// The goals of issue 5 for rspstub, each met / MISSED / n/a. Information only.
void print_targets(std::ostream& out, const std::vector<StubResult>& results, const Limits& limits);

}  // namespace bench
