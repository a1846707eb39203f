#include "table.hpp"

#include <algorithm>
#include <cstdio>

namespace bench {
namespace {

std::string format(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string cell_text(const Cell& cell, int decimals) {
  return cell.value ? format(*cell.value, decimals) : cell.text;
}

std::optional<std::size_t> rspstub_column(const Table& table) {
  auto it = std::find(table.stubs.begin(), table.stubs.end(), "rspstub");
  if (it == table.stubs.end()) return std::nullopt;
  return static_cast<std::size_t>(it - table.stubs.begin());
}

std::optional<double> best_peer(const Table& table, const Row& row) {
  auto own = rspstub_column(table);
  std::optional<double> best;
  for (std::size_t i = 0; i < row.cells.size(); ++i) {
    const auto& v = row.cells[i].value;
    if (!v || (own && i == *own)) continue;
    bool better = !best || (row.better == Better::higher ? *v > *best : *v < *best);
    if (better) best = v;
  }
  return best;
}

std::string ratio_to_peer(const Table& table, const Row& row) {
  auto own = rspstub_column(table);
  auto best = best_peer(table, row);
  if (!own || !row.cells[*own].value || !best || *best == 0) return "";
  return format(*row.cells[*own].value / *best, 2) + "×";
}

std::string ratio_to_limit(const Table& table, const Row& row) {
  auto own = rspstub_column(table);
  if (row.vs_limit == VsLimit::none || !own || !row.cells[*own].value || !row.limit ||
      *row.limit == 0)
    return "";
  double ratio = *row.cells[*own].value / *row.limit;
  if (row.vs_limit == VsLimit::percent) return format(ratio * 100, 0) + "% of " + row.limit_name;
  return format(ratio, 2) + "× " + row.limit_name;
}

void print_line(std::ostream& out, const std::vector<std::string>& cells) {
  out << "|";
  for (const auto& c : cells) out << " " << c << " |";
  out << "\n";
}

}  // namespace

void print_markdown(std::ostream& out, const Table& table) {
  std::vector<std::string> header{"figure"};
  header.insert(header.end(), table.stubs.begin(), table.stubs.end());
  header.insert(header.end(), {"limit", "rspstub ÷ best peer", "rspstub vs limit"});
  print_line(out, header);
  std::vector<std::string> rule{"---"};
  rule.insert(rule.end(), header.size() - 1, "---:");
  print_line(out, rule);
  for (const auto& row : table.rows) {
    std::vector<std::string> line{row.label};
    for (const auto& cell : row.cells) line.push_back(cell_text(cell, row.decimals));
    int limit_decimals = row.limit && *row.limit >= 100 ? 0 : row.decimals;
    line.push_back(row.limit ? format(*row.limit, limit_decimals) + " " + row.limit_name : "");
    line.push_back(ratio_to_peer(table, row));
    line.push_back(ratio_to_limit(table, row));
    print_line(out, line);
  }
}

}  // namespace bench
