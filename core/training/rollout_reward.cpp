#include "rollout_reward.h"

#include <algorithm>
#include <stdexcept>

#include <torch/torch.h>

#include "conditional_eps_model.h"
#include "handcrafted_schedules.h"
#include "imputation_metrics.h"
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

void RolloutReward::set_imputation(const torch::Tensor& windows, const torch::Tensor& condition,
                                   const torch::Tensor& target, int64_t samples) {
  windows_ = windows;
  condition_ = condition;
  target_ = target;
  samples_ = samples;
}

std::shared_ptr<EpsModel> RolloutReward::conditioned(EpsModel& model) const {
  if (!imputes()) return nullptr;
  auto* net = dynamic_cast<ConditionalEpsModel*>(&model);
  if (!net) throw std::invalid_argument("imputation rollouts need a time-series model (csdi)");
  // Not owned: the trainer's network outlives every call that binds it.
  std::shared_ptr<ConditionalEpsModel> borrowed(net, [](ConditionalEpsModel*) {});
  return std::make_shared<ConditionedModel>(borrowed, windows_, condition_);
}

void RolloutReward::refresh(EpsModel& model, int64_t pool, const std::vector<int64_t>& example_shape,
                            const c10::Device& device, at::Generator& gen) {
  if (imputes() && pool != windows_.size(0) * samples_)
    throw std::invalid_argument("an imputation pool is its windows times their samples");
  std::vector<int64_t> shape = example_shape;
  shape.insert(shape.begin(), pool);
  x_T_ = torch::randn(shape, gen, torch::TensorOptions().device(device));
  const auto bound = conditioned(model);
  if (kind_ == RolloutKind::Fidelity)
    x0_ref_ = run_chain(bound ? *bound : model, chain_, full_schedule(chain_.noise->T()), x_T_);
}

void RolloutReward::set_pool(const torch::Tensor& x_T, const torch::Tensor& x0_ref) {
  x_T_ = x_T;
  x0_ref_ = x0_ref;
}

torch::Tensor RolloutReward::sample_under_mask(EpsModel& model, const torch::Tensor& mask) const {
  if (!ready()) throw std::logic_error("rollout pool not drawn");
  const std::vector<int> steps = mask_timesteps(mask);
  if (steps.empty()) throw std::invalid_argument("a mask that keeps no step has no sample");
  const auto bound = conditioned(model);
  return run_chain(bound ? *bound : model, chain_, steps, x_T_);
}

// All masks' chains at once: one network call per step on M x P examples. A mask with fewer kept
// steps than the longest repeats its first step at the front; a DDIM step from a level to the
// same level returns its input, so those padding steps change nothing.
torch::Tensor RolloutReward::samples_under_masks(EpsModel& called, const torch::Tensor& masks) const {
  if (!ready()) throw std::logic_error("rollout pool not drawn");
  // Rows are mask-major (m * P + p) and P = samples x W, so row r sees window r mod W, as the bound
  // condition repeats.
  const auto bound = conditioned(called);
  EpsModel& model = bound ? *bound : called;
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

torch::Tensor RolloutReward::imputation_rewards(const torch::Tensor& all) const {
  const int64_t M = all.size(0), W = windows_.size(0);
  std::vector<int64_t> tile(size_t(windows_.dim()), 1);
  tile[0] = samples_;
  const torch::Tensor weight = target_.repeat(tile).to(torch::kFloat64).unsqueeze(0);  // (1, P, series, L)
  if (kind_ == RolloutKind::Fidelity)  // squared distance per hidden value to the full chain's imputations
    return ((all - x0_ref_.unsqueeze(0)).to(torch::kFloat64).pow(2) * weight).reshape({M, -1}).sum(1) /
           weight.sum();
  const torch::Tensor truth = torch::nan_to_num(windows_, 0.0).cpu();
  const torch::Tensor scored = (target_ > 0.5).cpu();
  std::vector<double> r;
  for (int64_t m = 0; m < M; ++m) {
    std::vector<int64_t> shape = windows_.sizes().vec();
    shape.insert(shape.begin(), samples_);
    shape[1] = W;
    r.push_back(score_imputations(all[m].cpu().reshape(shape), truth, scored).crps);
  }
  return torch::tensor(r, torch::kFloat64).to(all.device());
}

torch::Tensor RolloutReward::rewards(EpsModel& model, const torch::Tensor& masks, const torch::Tensor& data_batch) const {
  const int64_t M = masks.size(0);
  const torch::Tensor all = samples_under_masks(model, masks);
  if (imputes()) return imputation_rewards(all);
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
