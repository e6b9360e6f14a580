#pragma once
// Time series as a Dataset: windows of `window` consecutive rows, (series, window) each, every
// series standardized with the training rows' mean and spread, NaN where the data has no value.
// sample() draws training windows (every start, stride 1); held_out() the test split's windows
// (stride `window`, no overlap), the ones imputation is scored on. The NaNs are the data's own
// gaps: what a model observes in a window is where it is not NaN.
#include <cstdint>
#include <string>
#include <vector>

#include "dataset.h"
#include "series_csv.h"
#include "series_windows.h"

namespace eddpm {

class SeriesDataset : public Dataset {
 public:
  // `name` is the --data spelling ("weather", "csv:PATH"). Throws std::invalid_argument when a
  // split is shorter than one window.
  SeriesDataset(std::string name, SeriesTable table, int64_t window);

  std::string name() const override { return name_; }
  std::vector<int64_t> sample_shape() const override;
  torch::Tensor sample(int64_t n, at::Generator& gen) const override;
  torch::Tensor held_out(int64_t n, at::Generator& gen) const override;
  int64_t train_size() const override { return train_windows_.size(0); }

  const SeriesTable& table() const { return table_; }
  const TimeSplit& split() const { return split_; }
  const SeriesScale& scale() const { return scale_; }
  int64_t window() const { return window_; }
  // Every test window in time order, (n, series, window), and the row each starts at.
  const torch::Tensor& test_windows() const { return test_windows_; }
  std::vector<int64_t> test_window_starts() const;

 private:
  std::string name_;
  SeriesTable table_;
  int64_t window_;
  TimeSplit split_;
  SeriesScale scale_;
  torch::Tensor train_windows_;
  torch::Tensor test_windows_;
};

}  // namespace eddpm
