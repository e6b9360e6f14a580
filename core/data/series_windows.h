#pragma once
// From a table of series to what a model sees: a split by time, each series standardized with
// the training part's mean and spread, windows of L consecutive rows. Values are (rows, series)
// with NaN where missing; windows are (n, series, L), the layout CSDI's networks take.
#include <cstdint>
#include <string>
#include <vector>

#include <torch/types.h>

namespace eddpm {

// Rows [0, train_end) train, [train_end, validation_end) validate, [validation_end, rows) test:
// the first 70%, the next 10%, the last 20%. Splitting by time keeps every day a model is tested
// on after every day it trained on, as a forecast-like use of imputation would.
struct TimeSplit {
  int64_t train_end = 0;
  int64_t validation_end = 0;
  int64_t rows = 0;
};
TimeSplit split_by_time(int64_t rows);

// Per series, over the observed values of the training rows only.
struct SeriesScale {
  torch::Tensor mean;    // (series) float64
  torch::Tensor spread;  // (series) float64 standard deviation; 1 where it is 0 or undefined
};
SeriesScale fit_series_scale(const torch::Tensor& values, int64_t train_end);
torch::Tensor standardized(const torch::Tensor& values, const SeriesScale& scale);
// Back to the data's units; takes any tensor whose last dimension is the series, or (..., series, L)
// windows when `series_dim` is -2.
torch::Tensor in_original_units(const torch::Tensor& values, const SeriesScale& scale, int64_t series_dim = -1);

// Windows of `window` rows starting every `stride` rows inside [begin, end): (n, series, window)
// float32. Throws std::invalid_argument when the part is shorter than one window; `part` names it
// ("the test split") in that message.
torch::Tensor series_windows(const torch::Tensor& values, int64_t begin, int64_t end, int64_t window,
                             int64_t stride, const std::string& part);
// The first row of each of those windows.
std::vector<int64_t> window_starts(int64_t begin, int64_t end, int64_t window, int64_t stride);

}  // namespace eddpm
