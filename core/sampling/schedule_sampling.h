#pragma once
// Sampling a trained model with any schedule: the chain of sampler.h over a whole set, from noise of
// a seed, in chunks that fit memory.
#include <atomic>
#include <cstdint>
#include <functional>
#include <vector>

#include <torch/types.h>

#include "solvers/chain_calls.h"
#include "trained_model.h"

namespace eddpm {

// Samples `timesteps` with the run's semantics and `solver` from noise drawn with `seed` (CPU result). Image
// models clip their x0 estimate to the data range [-1, 1] and sample in chunks that fit memory.
// `cancel` (set from any thread) stops it with Cancelled.
// `progress` (optional) counts example-steps as they are done; `on_prediction` hears each chunk's
// x0 estimates at each kept step, with the chunk's first row (the denoising path).
using PredictionHook = std::function<void(int64_t first_row, int timestep, const torch::Tensor& x0_hat)>;
torch::Tensor sample_schedule(const TrainedModel& run, const std::vector<int>& timesteps, int64_t n,
                              uint64_t seed, const Solver& solver, const std::atomic<bool>* cancel = nullptr,
                              std::atomic<int64_t>* progress = nullptr, const PredictionHook& on_prediction = {});

// The same from given starting noise x_T ((n, ...) on any device; the CPU result); `seed` draws only
// DDIM's fresh noise (eta > 0).
torch::Tensor sample_schedule_from(const TrainedModel& run, const std::vector<int>& timesteps, const torch::Tensor& x_T,
                                   uint64_t seed, const Solver& solver, const std::atomic<bool>* cancel = nullptr,
                                   std::atomic<int64_t>* progress = nullptr, const PredictionHook& on_prediction = {});

}  // namespace eddpm
