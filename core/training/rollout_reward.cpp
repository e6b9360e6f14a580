#include "rollout_reward.h"

#include <algorithm>
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
  options.solver.kind = chain.solver;
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

// All masks' chains at once: one network call per step on M x P examples. A mask with fewer kept
// steps than the longest repeats its first step at the front; a DDIM step from a level to the
// same level returns its input, so those padding steps change nothing.
torch::Tensor RolloutReward::samples_under_masks(EpsModel& model, const torch::Tensor& masks) const {
  if (!ready()) throw std::logic_error("rollout pool not drawn");
  const int64_t M = masks.size(0), P = x_T_.size(0);
  std::vector<std::vector<int>> steps(static_cast<size_t>(M));
  size_t longest = 0;
  for (int64_t m = 0; m < M; ++m) {
    steps[size_t(m)] = mask_timesteps(masks[m]);
    if (steps[size_t(m)].empty()) throw std::invalid_argument("a mask that keeps no step has no sample");
    longest = std::max(longest, steps[size_t(m)].size());
  }
  std::vector<int64_t> t(size_t(M) * longest);
  std::vector<double> level(size_t(M) * longest), next_level(size_t(M) * longest);
  for (size_t m = 0; m < size_t(M); ++m) {
    const size_t pad = longest - steps[m].size();
    std::vector<int> padded(pad, steps[m].front());
    padded.insert(padded.end(), steps[m].begin(), steps[m].end());
    std::vector<double> levels = kept_levels(*chain_.noise, chain_.semantics, steps[m]);  // of the mask itself
    levels.insert(levels.begin(), pad, levels.front());
    for (size_t j = 0; j < longest; ++j) {  // step-major: row j holds every mask's j-th step
      t[j * size_t(M) + m] = padded[j];
      level[j * size_t(M) + m] = levels[j];
      next_level[j * size_t(M) + m] = j + 1 < longest ? levels[j + 1] : 1.0;
    }
  }
  const auto on_device = [&](auto values, torch::Dtype dtype) {
    return torch::tensor(values, dtype).view({int64_t(longest), M}).to(x_T_.device());
  };
  const torch::Tensor t_all = on_device(t, torch::kLong), a_all = on_device(level, torch::kFloat64),
                      a_next_all = on_device(next_level, torch::kFloat64);
  std::vector<int64_t> repeat(size_t(x_T_.dim()), 1);
  repeat[0] = M;
  torch::Tensor x = x_T_.repeat(repeat);  // mask-major: rows m * P .. m * P + P - 1
  std::vector<int64_t> per_row(size_t(x_T_.dim()), 1);
  per_row[0] = M * P;
  torch::NoGradGuard no_grad;
  const bool was_training = model.is_training();
  model.eval();
  for (int64_t j = 0; j < int64_t(longest); ++j) {
    const torch::Tensor tj = t_all[j].repeat_interleave(P);
    const torch::Tensor a = a_all[j].repeat_interleave(P).to(x.scalar_type()).view(per_row);
    const torch::Tensor a_next = a_next_all[j].repeat_interleave(P).to(x.scalar_type()).view(per_row);
    const torch::Tensor eps_hat = model.forward(x, tj);
    torch::Tensor x0 = (x - torch::sqrt(1.0 - a) * eps_hat) / torch::sqrt(a);
    torch::Tensor eps = eps_hat;
    if (chain_.clip) {
      x0 = x0.clamp(-*chain_.clip, *chain_.clip);
      eps = (x - torch::sqrt(a) * x0) / torch::sqrt(1.0 - a);
    }
    x = torch::sqrt(a_next) * x0 + torch::sqrt((1.0 - a_next).clamp_min(0.0)) * eps;
  }
  model.train(was_training);
  std::vector<int64_t> shape = x_T_.sizes().vec();
  shape.insert(shape.begin(), M);
  return x.view(shape);
}

torch::Tensor RolloutReward::rewards(EpsModel& model, const torch::Tensor& masks, const torch::Tensor& data_batch) const {
  const int64_t M = masks.size(0);
  const torch::Tensor all = samples_under_masks(model, masks);
  if (kind_ == RolloutKind::Fidelity)  // every mask's mean squared distance at once, on the device
    return (all - x0_ref_.unsqueeze(0)).to(torch::kFloat64).pow(2).reshape({M, -1}).mean(1);
  std::vector<double> r;
  r.reserve(size_t(M));
  const bool in_features = features_ && data_batch.dim() > 2;
  const torch::Tensor data_features = in_features ? features_(data_batch) : torch::Tensor();
  for (int64_t m = 0; m < M; ++m) {
    const torch::Tensor sample = all[m];
    r.push_back(sample.dim() == 2 ? sliced_wasserstein(sample, data_batch)
                : in_features     ? mmd_rbf(features_(sample), data_features)
                                  : mmd_rbf(sample, data_batch));
  }
  return torch::tensor(r, torch::kFloat64).to(masks.device());
}

}  // namespace eddpm
