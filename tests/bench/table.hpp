// The result table: one row per figure, one column per stub, the physical limit, and how
// rspstub compares with the best peer and with the limit. Printed as markdown.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace bench {

// One stub's entry: a number, or a word saying why there is none ("skipped", "FAIL", "no x").
struct Cell {
  std::optional<double> value;
  std::string text;
  static Cell of(std::optional<double> v, const std::string& otherwise = "—") {
    return v ? Cell{v, {}} : Cell{std::nullopt, otherwise};
  }
};

enum class Better { higher, lower };

// What the last column says for a row.
enum class VsLimit {
  none,
  percent,  // rspstub as a percentage of the limit (throughput)
  times,    // rspstub as a multiple of the limit (latency vs the round trip)
};

struct Row {
  std::string label;
  Better better = Better::higher;
  int decimals = 0;
  std::vector<Cell> cells;  // in the order of Table::stubs
  std::optional<double> limit;
  std::string limit_name;  // e.g. "TCP"
  VsLimit vs_limit = VsLimit::none;
};

struct Table {
  std::vector<std::string> stubs;
  std::vector<Row> rows;
};

void print_markdown(std::ostream& out, const Table& table);

}  // namespace bench
