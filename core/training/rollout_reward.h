#pragma once
// Rewards that run the sampler (ours, beyond the paper; spec section 4 step 5): each mask's
// deterministic few-step DDIM sample from a shared pool of starting noises x_T (common random
// numbers: the same x_T for every mask of an iteration), scored against
// - fidelity: the full deterministic chain's x0_ref from the same x_T (mean squared distance per
//   dimension; 0 for the full mask), or
// - data: a data batch drawn for the iteration (SWD for 2-D points, RBF MMD^2 for images, in a
//   classifier's features where one is set: FD-LeNet's for MNIST).
// The caller feeds the rewards to the usual leave-one-out baseline, projection and ramp.
// Time series (set_imputation): the pool is S imputations of W training windows whose hidden values
// are fixed at the pool's draw; fidelity compares with the full chain's imputations on the hidden
// values, data scores them by CRPS against the truth.
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "eps_model.h"
#include "mask_semantics.h"
#include "noise_schedule.h"
#include "solver_kind.h"

namespace eddpm {

enum class RolloutKind { Fidelity, Data };

struct ChainSpec {
  const NoiseSchedule* noise = nullptr;
  Semantics semantics = Semantics::Jump;
  std::optional<double> clip;  // images clip x0 estimates to [-1, 1]
  SolverKind solver = SolverKind::Ddim;  // the rollouts run the solver the schedule is learned for
};

// The kept timesteps of a (T) 0/1 mask, descending (one host read).
std::vector<int> mask_timesteps(const torch::Tensor& mask);

class RolloutReward {
 public:
  RolloutReward(RolloutKind kind, ChainSpec chain) : kind_(kind), chain_(chain) {}

  // Draws the pool's starting noises (`pool` examples shaped like `example_shape`) and, for
  // fidelity, runs the model's full deterministic chain from them.
  void refresh(EpsModel& model, int64_t pool, const std::vector<int64_t>& example_shape,
               const c10::Device& device, at::Generator& gen);
  bool ready() const { return x_T_.defined(); }

  // The deterministic sample a (T) mask gives from the pool's starting noise.
  torch::Tensor sample_under_mask(EpsModel& model, const torch::Tensor& mask) const;
  // The samples of (M, T) masks from the pool's noise, (M, P, ...), in one batched chain; equal to
  // sample_under_mask per mask up to rounding.
  torch::Tensor samples_under_masks(EpsModel& model, const torch::Tensor& masks) const;
  // (M) float64 rewards, lower is better, for (M, T) masks. `data_batch` (data reward only) is
  // the same for every mask.
  torch::Tensor rewards(EpsModel& model, const torch::Tensor& masks, const torch::Tensor& data_batch) const;

  // Time series: windows (W, series, L), what the model sees of them and what it imputes (float
  // 0/1), `samples` imputations each; the next refresh must draw a pool of W x samples noises.
  void set_imputation(const torch::Tensor& windows, const torch::Tensor& condition, const torch::Tensor& target,
                      int64_t samples);
  bool imputes() const { return windows_.defined(); }

  // Images are compared in these features (data reward) when set.
  void set_features(std::function<torch::Tensor(const torch::Tensor&)> features) { features_ = std::move(features); }

  const torch::Tensor& starting_noise() const { return x_T_; }
  const torch::Tensor& reference() const { return x0_ref_; }
  void set_pool(const torch::Tensor& x_T, const torch::Tensor& x0_ref);

 private:
  RolloutKind kind_;
  ChainSpec chain_;
  // The network with the pool's condition bound (time series), else null: `model` is called as it is.
  std::shared_ptr<EpsModel> conditioned(EpsModel& model) const;
  // (M) rewards of (M, P, series, L) imputations.
  torch::Tensor imputation_rewards(const torch::Tensor& all) const;

  torch::Tensor x_T_, x0_ref_;
  torch::Tensor windows_, condition_, target_;  // time series only
  int64_t samples_ = 1;
  std::function<torch::Tensor(const torch::Tensor&)> features_;
};

}  // namespace eddpm
