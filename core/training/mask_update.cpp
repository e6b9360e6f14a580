#include "mask_update.h"

#include <algorithm>

#include "budget_projection.h"
#include "mask_gradient.h"
#include "mask_settling.h"

namespace eddpm {

MaskUpdateRule MaskUpdateRule::of(const TrainConfig& config) {
  MaskUpdateRule rule;
  rule.K = config.steps_kept();
  rule.pin_last = config.pin_last;
  rule.budget_rule = config.budget_rule;
  rule.baseline = config.baseline;
  rule.normalize_advantages = config.normalize_advantages;
  rule.settle = config.settle;
  return rule;
}

std::array<double, MaskValue::count> mask_value_array(const MaskUpdateValues& values) {
  std::array<double, MaskValue::count> out{};
  out[MaskValue::lr_s] = values.lr_s;
  out[MaskValue::budget] = values.budget;
  out[MaskValue::learns] = values.learns ? 1.0 : 0.0;
  out[MaskValue::settle_rate] = values.settle_rate;
  out[MaskValue::to_target] = values.to_target ? 1.0 : 0.0;
  return out;
}

namespace {
// One mask per iteration has one reward; its leave-one-out baseline falls back to the running mean.
BaselineKind baseline_for(const MaskUpdateRule& rule, int64_t rows) {
  return rows == 1 && rule.baseline == BaselineKind::LeaveOneOut ? BaselineKind::Ema : rule.baseline;
}
}  // namespace

torch::Tensor update_mask(const MaskUpdateRule& rule, const torch::Tensor& s, const torch::Tensor& masks,
                          const torch::Tensor& rewards, const torch::Tensor& ema, const torch::Tensor& values,
                          const torch::Tensor& target_indicator) {
  const int64_t T = s.size(0), rows = masks.size(0);
  const torch::Tensor r = rows == 1 ? rewards.mean().unsqueeze(0) : rewards;
  torch::Tensor a = advantages(r, baseline_for(rule, rows), ema);
  if (rule.normalize_advantages && rows > 1) a = a / (r.std() + 1e-12);
  const torch::Tensor z = s - values[MaskValue::lr_s] * score_function_gradient(masks, s, a);
  torch::Tensor next;
  if (rule.pin_last) {
    next = torch::ones_like(s);
    next.slice(0, 0, T - 1).copy_(project_to_budget_on_device(
        z.slice(0, 0, T - 1), (values[MaskValue::budget] - 1.0).clamp_min(0.0), rule.budget_rule));
  } else {
    next = project_to_budget_on_device(z, values[MaskValue::budget], rule.budget_rule);
  }
  if (rule.settle) {
    const torch::Tensor indicator =
        torch::where(values[MaskValue::to_target] > 0.5, target_indicator, top_k_indicator_on_device(next, rule.K));
    next = settle_toward_on_device(next, indicator, values[MaskValue::settle_rate]);
  }
  return torch::where(values[MaskValue::learns] > 0.5, next, s);
}

void update_mask_on_host(const MaskUpdateRule& rule, torch::Tensor& s, const torch::Tensor& masks,
                         const torch::Tensor& rewards, double ema, const MaskUpdateValues& values,
                         const std::vector<int>& target) {
  if (!values.learns) return;
  const int64_t T = s.size(0), rows = masks.size(0);
  const torch::Tensor r = rows == 1 ? rewards.mean().unsqueeze(0) : rewards;
  torch::Tensor a = advantages_on_host(r, baseline_for(rule, rows), ema);
  if (rule.normalize_advantages && rows > 1) a = a / (r.std() + 1e-12);
  const torch::Tensor g = score_function_gradient_on_host(masks, s, a);
  s = s.contiguous();
  torch::Tensor next = torch::empty_like(s);
  const double* old = s.data_ptr<double>();
  const double* grad = g.data_ptr<double>();
  double* out = next.data_ptr<double>();
  for (int64_t t = 0; t < T; ++t) out[t] = old[t] - values.lr_s * grad[t];
  if (rule.pin_last) {
    project_to_budget_in_place(out, T - 1, std::max(0.0, values.budget - 1.0), rule.budget_rule);
    out[T - 1] = 1.0;
  } else {
    project_to_budget_in_place(out, T, values.budget, rule.budget_rule);
  }
  if (rule.settle) settle_in_place(out, T, rule.K, values.settle_rate, values.to_target ? target : std::vector<int>{});
  s = next;
}

}  // namespace eddpm
