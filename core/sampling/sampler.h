#pragma once
// One sampler for any schedule and any solver (spec section 7; solvers/solver.h): with the ddim
// solver, eta = 1 is DDPM ancestral sampling on the sub-chain and eta = 0 is DDIM.
#include <atomic>
#include <functional>
#include <optional>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "eps_model.h"
#include "solvers/chain_calls.h"

namespace eddpm {

struct SamplerOptions {
  Solver solver;
  std::optional<double> clip;  // clip x0_hat into [-clip, clip] (the data range), then refresh eps_hat
  // Set from any thread: the chain stops before its next network call by throwing Cancelled.
  const std::atomic<bool>* cancel = nullptr;
  // Set from the caller's side, read from any thread: grows by the batch size at every network call
  // (a progress bar's count of example-steps).
  std::atomic<int64_t>* progress = nullptr;
  // Called at every kept step with its timestep and the model's estimate of the clean data x0_hat
  // (clipped like the update): the denoising path of each example.
  std::function<void(int timestep, const torch::Tensor& x0_hat)> on_prediction;
  // The same with the state x the estimate was made from (ChainCalls::Hooks::on_state).
  std::function<void(int timestep, const torch::Tensor& x, const torch::Tensor& x0_hat)> on_state;
};

// Runs the chain from x_T through the kept steps. `timesteps` in descending order with their
// levels a_j (from the model's semantics); `gen` draws DDIM's fresh noise on x_T's device.
torch::Tensor sample_chain(EpsModel& model, const std::vector<int>& timesteps,
                           const std::vector<double>& levels, const torch::Tensor& x_T,
                           const SamplerOptions& options, at::Generator& gen);

// One DDIM update from level a to level a_prev given the predicted noise; `z` is used when
// eta > 0. Exposed for tests against the closed-form DDPM posterior.
torch::Tensor sampler_update(const torch::Tensor& x, const torch::Tensor& eps_hat, double a,
                             double a_prev, double eta, const torch::Tensor& z,
                             const std::optional<double>& clip);

}  // namespace eddpm
