#pragma once
// Imputing windows of time series with a conditional model (conditional_eps_model.h) and any
// schedule: the chain of schedule_sampling.h runs on the unobserved values while the condition's
// values stay as observed, several samples per window from noise of a seed.
#include <atomic>
#include <cstdint>
#include <vector>

#include <torch/types.h>

#include "solvers/chain_calls.h"
#include "trained_model.h"

namespace eddpm {

// windows: (W, series, L), read where `condition` (float 0/1, same shape) is 1; returns
// (samples, W, series, L) on the CPU, equal to the windows wherever the condition is 1. Sample s
// of window w starts from row s * W + w of noise drawn with `seed`. Throws std::invalid_argument
// when the run's model is not conditional.
torch::Tensor impute_schedule(const TrainedModel& run, const std::vector<int>& timesteps, const torch::Tensor& windows,
                              const torch::Tensor& condition, int64_t samples, uint64_t seed, const Solver& solver,
                              const std::atomic<bool>* cancel = nullptr, std::atomic<int64_t>* progress = nullptr);

}  // namespace eddpm
