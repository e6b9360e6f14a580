#pragma once
// Time series from a CSV file: a header, one row per time point, every numeric column a series.
// Missing values (empty cells, NA, NaN) are kept as NaN: the imputation task hides and fills
// values, so where the data has gaps of its own is part of the data.
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace eddpm {

struct SeriesTable {
  std::string time_column;                // its header name; empty when the file has none
  std::vector<std::string> time_labels;   // the time column as written, one per row
  std::vector<std::string> series_names;  // the numeric columns, in file order
  std::vector<std::string> ignored;       // columns that are neither the time nor numbers
  torch::Tensor values;                   // (rows, series) float64, NaN where missing
};

// `time_column` names the time axis; empty picks the first column named date or time (any case),
// else the first column that is not numeric, else none (rows are numbered). Throws
// std::invalid_argument with one line naming the file and what is wrong: unreadable, no header,
// a row with another number of cells than the header (its line number), a named time column that
// is not there, no numeric column, no rows.
SeriesTable read_series_csv(const std::filesystem::path& path, const std::string& time_column = "");

// The built-in --data weather file in the cache folder (default_data_root()/weather/weather.csv),
// which scripts/fetch-weather writes: a date column and eight series.
std::filesystem::path default_weather_csv();

// The same from text already in memory (`source` names it in messages).
SeriesTable parse_series_csv(const std::string& text, const std::string& source,
                             const std::string& time_column = "");

}  // namespace eddpm
