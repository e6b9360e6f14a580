#include "series_dataset.h"

#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {

SeriesDataset::SeriesDataset(std::string name, SeriesTable table, int64_t window)
    : name_(std::move(name)), table_(std::move(table)), window_(window) {
  split_ = split_by_time(table_.values.size(0));
  scale_ = fit_series_scale(table_.values, split_.train_end);
  const torch::Tensor z = standardized(table_.values, scale_);
  train_windows_ = series_windows(z, 0, split_.train_end, window_, 1, name_ + "'s training split");
  // Validation rows are checked too, though nothing samples them yet: a split too short for one
  // window is a data set too short for the protocol.
  series_windows(z, split_.train_end, split_.validation_end, window_, window_, name_ + "'s validation split");
  test_windows_ = series_windows(z, split_.validation_end, split_.rows, window_, window_, name_ + "'s test split");
}

std::vector<int64_t> SeriesDataset::sample_shape() const {
  return {train_windows_.size(1), train_windows_.size(2)};
}

torch::Tensor SeriesDataset::sample(int64_t n, at::Generator& gen) const {
  return draw_examples(train_windows_, n, gen);
}

torch::Tensor SeriesDataset::held_out(int64_t n, at::Generator& gen) const {
  return draw_held_out(test_windows_, n, gen);
}

std::vector<int64_t> SeriesDataset::test_window_starts() const {
  return window_starts(split_.validation_end, split_.rows, window_, window_);
}

}  // namespace eddpm
