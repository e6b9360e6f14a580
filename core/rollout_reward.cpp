#include "rollout_reward.h"

#include <stdexcept>

#include <torch/torch.h>

#include "handcrafted_schedules.h"
#include "sample_metrics.h"
#include "sampler.h"

namespace eddpm {

namespace {
torch::Tensor run_chain(EpsModel& model, const ChainSpec& chain, const std::vector<int>& steps,
                        const torch::Tensor& x_T) {
  SamplerOptions options;  // eta = 0: deterministic, so no noise generator is drawn from
  options.clip = chain.clip;
  at::Generator unused;
  return sample_chain(model, steps, kept_levels(*chain.noise, chain.semantics, steps), x_T, options, unused);
}
}  // namespace

std::vector<int> mask_timesteps(const torch::Tensor& mask) {
  const torch::Tensor kept = mask.to(torch::kCPU).nonzero().flatten().flip(0).to(torch::kInt);
  return {kept.data_ptr<int>(), kept.data_ptr<int>() + kept.numel()};
}

void RolloutReward::refresh(EpsModel& model, int64_t pool, const std::vector<int64_t>& example_shape,
                            const c10::Device& device, at::Generator& gen) {
  std::vector<int64_t> shape = example_shape;
  shape.insert(shape.begin(), pool);
  x_T_ = torch::randn(shape, gen, torch::TensorOptions().device(device));
  if (kind_ == RolloutKind::Fidelity) x0_ref_ = run_chain(model, chain_, full_schedule(chain_.noise->T()), x_T_);
}

void RolloutReward::set_pool(const torch::Tensor& x_T, const torch::Tensor& x0_ref) {
  x_T_ = x_T;
  x0_ref_ = x0_ref;
}

torch::Tensor RolloutReward::sample_under_mask(EpsModel& model, const torch::Tensor& mask) const {
  if (!ready()) throw std::logic_error("rollout pool not drawn");
  const std::vector<int> steps = mask_timesteps(mask);
  if (steps.empty()) throw std::invalid_argument("a mask that keeps no step has no sample");
  return run_chain(model, chain_, steps, x_T_);
}

torch::Tensor RolloutReward::rewards(EpsModel& model, const torch::Tensor& masks, const torch::Tensor& data_batch) const {
  std::vector<double> r;
  r.reserve(size_t(masks.size(0)));
  const bool in_features = kind_ == RolloutKind::Data && features_ && data_batch.dim() > 2;
  const torch::Tensor data_features = in_features ? features_(data_batch) : torch::Tensor();
  for (int64_t m = 0; m < masks.size(0); ++m) {
    const torch::Tensor sample = sample_under_mask(model, masks[m]);
    if (kind_ == RolloutKind::Fidelity)
      r.push_back(paired_mean_squared(sample, x0_ref_));
    else
      r.push_back(sample.dim() == 2 ? sliced_wasserstein(sample, data_batch)
                  : in_features     ? mmd_rbf(features_(sample), data_features)
                                    : mmd_rbf(sample, data_batch));
  }
  return torch::tensor(r, torch::kFloat64).to(masks.device());
}

}  // namespace eddpm
