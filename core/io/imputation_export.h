#pragma once
// Writing imputations of time series as CSV, in the data's units: every imputed window value by
// value with its median and quantiles (what plots and other tools read), and a user's table with
// its gaps filled. Atomic.
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "imputation_masks.h"
#include "series_csv.h"
#include "series_dataset.h"

namespace eddpm {

struct ImputedWindows {
  torch::Tensor samples;    // (S, W, series, L) imputations
  torch::Tensor truth;      // (W, series, L) the data, NaN where it has no value
  torch::Tensor condition;  // (W, series, L) 1 where the model saw the value
  std::vector<std::string> series_names;
  std::vector<std::vector<std::string>> time_labels;  // per window, its L time labels
};

// The test windows of `task` (an ImputationMeter's) with `samples` (S, W, series, L) of them, both
// standardized as the model sees them, turned into the data's units with each window's time labels.
// Undefined samples give the windows alone.
ImputedWindows imputed_test_windows(const SeriesDataset& data, const ImputationTask& task, const torch::Tensor& samples);

// The quantile levels of the CSV's columns beside the median: q05, q25, q75, q95.
const std::vector<double>& exported_quantile_levels();

// Header "window,series,time,state,value,median,q05,q25,q75,q95", one row per value of every
// window; state is observed (the model saw it), hidden (observed, kept from the model: scored) or
// missing (the data has none); value is empty where missing. Throws std::invalid_argument when the
// shapes disagree.
void save_imputations_csv(const ImputedWindows& imputed, const std::filesystem::path& path);

// The table with each gap filled: `filled` is (rows, series) with every value; the time column
// (where the table has one) and the series keep their names and order.
void save_filled_csv(const SeriesTable& table, const torch::Tensor& filled, const std::filesystem::path& path);

}  // namespace eddpm
