#include "series_csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>

#include "mnist_files.h"

namespace eddpm {
namespace {

std::string trimmed(const std::string& s) {
  size_t begin = 0, end = s.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(s[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  return s.substr(begin, end - begin);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// One line's cells; double quotes may hold commas and "" for a quote (no line breaks inside).
std::vector<std::string> split_cells(const std::string& line, const std::string& where) {
  std::vector<std::string> cells;
  std::string cell;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        cell += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      cells.push_back(trimmed(cell));
      cell.clear();
    } else {
      cell += c;
    }
  }
  if (quoted) throw std::invalid_argument(where + ": a quoted cell is not closed");
  cells.push_back(trimmed(cell));
  return cells;
}

bool is_missing(const std::string& cell) {
  const std::string l = lower(cell);
  return l.empty() || l == "na" || l == "nan";
}

std::optional<double> number_of(const std::string& cell) {
  const char* begin = cell.c_str();
  char* end = nullptr;
  const double v = std::strtod(begin, &end);
  if (end == begin || *end != '\0' || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Every cell a number or missing, and at least one number.
bool is_numeric_column(const std::vector<std::vector<std::string>>& rows, size_t column) {
  bool any = false;
  for (const auto& row : rows) {
    if (is_missing(row[column])) continue;
    if (!number_of(row[column])) return false;
    any = true;
  }
  return any;
}

}  // namespace

SeriesTable parse_series_csv(const std::string& text, const std::string& source, const std::string& time_column) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  int line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (trimmed(line).empty()) continue;
    const std::string where = source + " line " + std::to_string(line_number);
    auto cells = split_cells(line, where);
    if (header.empty()) {
      header = std::move(cells);
      continue;
    }
    if (cells.size() != header.size())
      throw std::invalid_argument(where + " has " + std::to_string(cells.size()) + " cells, the header " +
                                  std::to_string(header.size()));
    rows.push_back(std::move(cells));
  }
  if (header.empty()) throw std::invalid_argument(source + " is empty: a header line and rows are needed");
  if (rows.empty()) throw std::invalid_argument(source + " has a header but no rows");

  std::optional<size_t> time_index;
  if (!time_column.empty()) {
    const auto it = std::find(header.begin(), header.end(), time_column);
    if (it == header.end())
      throw std::invalid_argument(source + " has no column named \"" + time_column + "\" for --time-column");
    time_index = static_cast<size_t>(it - header.begin());
  } else {
    for (size_t c = 0; c < header.size() && !time_index; ++c)
      if (lower(header[c]) == "date" || lower(header[c]) == "time") time_index = c;
    for (size_t c = 0; c < header.size() && !time_index; ++c)
      if (!is_numeric_column(rows, c)) time_index = c;
  }

  SeriesTable table;
  std::vector<size_t> series_columns;
  for (size_t c = 0; c < header.size(); ++c) {
    if (time_index && c == *time_index) continue;
    if (is_numeric_column(rows, c)) {
      series_columns.push_back(c);
      table.series_names.push_back(header[c].empty() ? "column " + std::to_string(c + 1) : header[c]);
    } else {
      table.ignored.push_back(header[c]);
    }
  }
  if (series_columns.empty())
    throw std::invalid_argument(source + " has no numeric column to read as a series");

  if (time_index) table.time_column = header[*time_index];
  table.values = torch::empty({static_cast<int64_t>(rows.size()), static_cast<int64_t>(series_columns.size())},
                              torch::kFloat64);
  auto values = table.values.accessor<double, 2>();
  for (size_t r = 0; r < rows.size(); ++r) {
    table.time_labels.push_back(time_index ? rows[r][*time_index] : std::to_string(r));
    for (size_t s = 0; s < series_columns.size(); ++s) {
      const std::string& cell = rows[r][series_columns[s]];
      values[r][s] = is_missing(cell) ? std::numeric_limits<double>::quiet_NaN() : *number_of(cell);
    }
  }
  return table;
}

std::filesystem::path default_weather_csv() { return default_data_root() / "weather" / "weather.csv"; }

SeriesTable read_series_csv(const std::filesystem::path& path, const std::string& time_column) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::invalid_argument("cannot read " + path.string());
  std::ostringstream text;
  text << file.rdbuf();
  return parse_series_csv(text.str(), path.string(), time_column);
}

}  // namespace eddpm
