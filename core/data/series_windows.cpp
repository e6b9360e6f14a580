#include "series_windows.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {

TimeSplit split_by_time(int64_t rows) {
  TimeSplit split;
  split.rows = rows;
  split.train_end = static_cast<int64_t>(std::floor(0.7 * static_cast<double>(rows)));
  split.validation_end = static_cast<int64_t>(std::floor(0.8 * static_cast<double>(rows)));
  return split;
}

SeriesScale fit_series_scale(const torch::Tensor& values, int64_t train_end) {
  const torch::Tensor train = values.slice(0, 0, train_end).to(torch::kFloat64);
  const torch::Tensor observed = ~torch::isnan(train);
  const torch::Tensor count = observed.sum(0).to(torch::kFloat64);
  const torch::Tensor filled = torch::where(observed, train, torch::zeros_like(train));
  SeriesScale scale;
  scale.mean = filled.sum(0) / count.clamp_min(1);
  const torch::Tensor centred = torch::where(observed, train - scale.mean, torch::zeros_like(train));
  // The sample standard deviation; a series with fewer than two observed training values, or a
  // constant one, keeps spread 1 so that standardizing never divides by zero.
  const torch::Tensor variance = centred.pow(2).sum(0) / (count - 1).clamp_min(1);
  const torch::Tensor spread = variance.sqrt();
  scale.spread = torch::where((count >= 2) & (spread > 0), spread, torch::ones_like(spread));
  return scale;
}

torch::Tensor standardized(const torch::Tensor& values, const SeriesScale& scale) {
  return (values.to(torch::kFloat64) - scale.mean) / scale.spread;
}

torch::Tensor in_original_units(const torch::Tensor& values, const SeriesScale& scale, int64_t series_dim) {
  torch::Tensor mean = scale.mean, spread = scale.spread;
  if (series_dim == -2) {
    mean = mean.unsqueeze(-1);
    spread = spread.unsqueeze(-1);
  } else if (series_dim != -1) {
    throw std::invalid_argument("in_original_units: series_dim is -1 or -2");
  }
  return values.to(torch::kFloat64) * spread + mean;
}

std::vector<int64_t> window_starts(int64_t begin, int64_t end, int64_t window, int64_t stride) {
  std::vector<int64_t> starts;
  for (int64_t s = begin; s + window <= end; s += stride) starts.push_back(s);
  return starts;
}

torch::Tensor series_windows(const torch::Tensor& values, int64_t begin, int64_t end, int64_t window,
                             int64_t stride, const std::string& part) {
  if (window < 1 || stride < 1) throw std::invalid_argument("the window and its stride must be at least 1");
  if (end - begin < window)
    throw std::invalid_argument(part + " has " + std::to_string(end - begin) + " rows, fewer than --window " +
                                std::to_string(window));
  std::vector<torch::Tensor> windows;
  for (const int64_t s : window_starts(begin, end, window, stride))
    windows.push_back(values.slice(0, s, s + window).transpose(0, 1));
  return torch::stack(windows).to(torch::kFloat32).contiguous();
}

}  // namespace eddpm
