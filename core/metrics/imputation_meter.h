#pragma once
// Measuring schedules on a time-series model (CSDI's "random missing" protocol): every test window
// of the data has 10% of its observed values hidden with a fixed seed; each schedule imputes them
// with S samples per window from the same noise; the imputations are scored where values were
// hidden, in standardized and in original units. ScheduleMeter hands time-series runs to this.
#include <atomic>
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "imputation_masks.h"
#include "imputation_metrics.h"
#include "series_dataset.h"
#include "solvers/chain_calls.h"
#include "trained_model.h"

namespace eddpm {

struct ImputationResult {
  torch::Tensor samples;  // (S, W, series, L) standardized, observed values as they were
  ImputationScores scores;           // standardized units
  ImputationScores scores_original;  // the data's units
};

class ImputationMeter {
 public:
  // Throws std::invalid_argument unless the run models a SeriesDataset with a conditional model.
  ImputationMeter(const TrainedModel& run, int64_t samples, uint64_t seed, Solver solver);

  ImputationResult impute(const std::vector<int>& timesteps, const std::atomic<bool>* cancel = nullptr,
                          std::atomic<int64_t>* progress = nullptr) const;
  // Mean squared distance per hidden value between two sets of imputations from the same noise.
  double distance(const torch::Tensor& a, const torch::Tensor& b) const;
  const ImputationTask& task() const { return task_; }
  const SeriesDataset& data() const { return *data_; }
  int64_t samples() const { return samples_; }

 private:
  TrainedModel run_;
  const SeriesDataset* data_;  // run_.data's, which run_ keeps alive
  int64_t samples_;
  uint64_t seed_;
  Solver solver_;
  ImputationTask task_;
};

}  // namespace eddpm
