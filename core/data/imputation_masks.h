#pragma once
// Which values of a window a conditional model sees and which it must impute (CSDI's protocol).
// Windows are (n, series, L) float with NaN where the data has no value; masks are float 0/1 of
// the same shape, on the windows' device.
#include <cstdint>

#include <ATen/core/Generator.h>
#include <torch/types.h>

namespace eddpm {

// The share of a window's observed values hidden to be scored: the evaluation's (CSDI: 10%), and
// what ELBO-DP's errors and the rollout rewards hide, so every judge of a schedule sees one task.
constexpr double kHiddenShare = 0.1;

// 1 where the window has a value, 0 where it is NaN.
torch::Tensor observed_mask(const torch::Tensor& windows);

// Training's condition, CSDI's random strategy: per window a share r ~ U(0, 1) of its observed
// values (rounded) is hidden as targets; the condition is the rest of the observed values.
torch::Tensor random_condition(const torch::Tensor& observed, at::Generator& gen);

// Exactly round(share x observed) (halves up) of each window's observed values hidden, picked at random
// (every observed value equally likely); returns the hidden ones' mask.
torch::Tensor hide_share(const torch::Tensor& observed, const torch::Tensor& share, at::Generator& gen);

// The evaluation task (CSDI's "random missing"): a share of each window's observed values hidden
// at random with a fixed seed; the model sees the rest and is scored where values were hidden.
struct ImputationTask {
  torch::Tensor windows;    // (W, series, L) the truth, NaN where the data has none
  torch::Tensor condition;  // what the model sees: observed and not hidden
  torch::Tensor target;     // what it is scored on: observed and hidden
};
ImputationTask hide_at_random(const torch::Tensor& windows, double share, uint64_t seed);

}  // namespace eddpm
