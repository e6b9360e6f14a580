#include "sample_series.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <stdexcept>

#include <torch/torch.h>

#include "cli_app.h"
#include "imputation.h"
#include "imputation_export.h"
#include "imputation_masks.h"
#include "imputation_meter.h"
#include "series_dataset.h"

namespace eddpm::cli {

namespace {

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& name : names) text += (text.empty() ? "" : ",") + name;
  return text;
}

std::string steps_text(const std::vector<int>& steps, const Solver& solver) {
  return std::to_string(steps.size()) + " steps (" + solver.name() + ", " +
         std::to_string(solver.nfe(int64_t(steps.size()))) + " network evaluations)";
}

int impute_test_split(const TrainedModel& run, const SeriesDataset& data, const std::vector<int>& steps,
                      const Solver& solver, const SeriesSampleRequest& r) {
  const ImputationMeter meter(run, r.samples, r.seed, solver);
  const ImputationResult result = meter.impute(steps);
  const ImputationTask& task = meter.task();
  save_imputations_csv(imputed_test_windows(data, task, result.samples), r.out);
  const ImputationScores& z = result.scores;
  const ImputationScores& o = result.scores_original;
  std::printf("imputed %lld test windows x %lld samples with %s; on the %lld hidden values: MAE %.4f (%.4f in the "
              "data's units), RMSE %.4f (%.4f), CRPS %.4f (%.4f); wrote %s\n",
              static_cast<long long>(task.windows.size(0)), static_cast<long long>(r.samples),
              steps_text(steps, solver).c_str(), static_cast<long long>(task.target.sum().item<double>()), z.mae,
              o.mae, z.rmse, o.rmse, z.crps, o.crps, r.out.c_str());
  return 0;
}

// Windows of L rows every L rows, and one ending at the last row where the rows do not divide.
std::vector<int64_t> covering_starts(int64_t rows, int64_t window) {
  std::vector<int64_t> starts;
  for (int64_t s = 0; s + window <= rows; s += window) starts.push_back(s);
  if (starts.empty() || starts.back() + window < rows) starts.push_back(rows - window);
  return starts;
}

int fill_file(const TrainedModel& run, const SeriesDataset& data, const std::vector<int>& steps, const Solver& solver,
              const SeriesSampleRequest& r) {
  std::error_code same_error;
  if (std::filesystem::equivalent(r.input, r.out, same_error))
    throw UsageError("--out " + r.out + " is the --input file: the filled copy goes to a file of its own");
  SeriesTable table;
  try {
    table = read_series_csv(r.input, run.config.time_column);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
  if (table.series_names != data.table().series_names)
    throw UsageError(r.input + " has the series " + joined(table.series_names) + "; the model imputes " +
                     joined(data.table().series_names) + " (the same names, in that order)");
  const int64_t rows = table.values.size(0), L = data.window();
  if (rows < L)
    throw UsageError(r.input + " has " + std::to_string(rows) + " rows, fewer than the model's window of " +
                     std::to_string(L));
  const torch::Tensor z = standardized(table.values, data.scale()).to(torch::kFloat32);  // (rows, series)
  const std::vector<int64_t> starts = covering_starts(rows, L);
  std::vector<torch::Tensor> parts;
  for (int64_t s : starts) parts.push_back(z.slice(0, s, s + L).t());
  const torch::Tensor windows = torch::stack(parts);  // (W, series, L)
  const torch::Tensor gaps = torch::isnan(z);
  const int64_t gap_count = gaps.sum().item<int64_t>();
  torch::Tensor filled = z.clone();  // standardized; only its gaps are read back
  if (gap_count > 0) {
    const torch::Tensor imputed = impute_schedule(run, steps, windows, observed_mask(windows), r.samples, r.seed, solver);
    const torch::Tensor median = std::get<0>(imputed.median(0));  // (W, series, L)
    for (size_t w = 0; w < starts.size(); ++w) {
      torch::Tensor rows_of = filled.slice(0, starts[w], starts[w] + L);
      rows_of.copy_(torch::where(gaps.slice(0, starts[w], starts[w] + L), median[int64_t(w)].t(), rows_of));
    }
  }
  // Values the file has are written as read (float64), not through the model's float32.
  const torch::Tensor imputed_rows = in_original_units(filled, data.scale(), -1);
  save_filled_csv(table, torch::where(gaps, imputed_rows, table.values), r.out);
  std::printf("filled %lld missing values of %s (%lld windows x %lld samples, the median of each, %s); wrote %s\n",
              static_cast<long long>(gap_count), r.input.c_str(), static_cast<long long>(starts.size()),
              static_cast<long long>(r.samples), steps_text(steps, solver).c_str(), r.out.c_str());
  return 0;
}

}  // namespace

int sample_series(const TrainedModel& run, const std::vector<int>& steps, const Solver& solver,
                  const SeriesSampleRequest& request) {
  const auto* data = dynamic_cast<const SeriesDataset*>(run.data.get());
  if (!data) throw UsageError("this checkpoint's model is not a time-series model");
  const bool csv = request.out.size() > 4 && request.out.substr(request.out.size() - 4) == ".csv";
  if (!csv) throw UsageError("a time-series model writes its imputations as CSV: --out FILE.csv");
  return request.input.empty() ? impute_test_split(run, *data, steps, solver, request)
                               : fill_file(run, *data, steps, solver, request);
}

}  // namespace eddpm::cli
