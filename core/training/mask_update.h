#pragma once
// The mask's half of an iteration (spec section 4, steps 6-8, then settling, mask_settling.h):
// advantages of the rewards, the score-function gradient, a step of lr_s against it, the projection
// onto the budget with the pinned last step kept at 1, and the pull toward the settle indicator.
// update_mask is the entry point: tensor operations on any device with no read back to the host,
// so the device step (and a CUDA graph) runs it. update_mask_on_host is the CPU step's second
// implementation on plain arrays (docs/BENCHMARKS.md, `eddpm bench mask-step`), held equal to it by
// test_mask_gradient.
#include <array>
#include <vector>

#include <torch/types.h>

#include "train_config.h"

namespace eddpm {

// What is fixed for a run.
struct MaskUpdateRule {
  int K = 1;  // steps kept: the settling indicator's size
  bool pin_last = true;
  BudgetRule budget_rule = BudgetRule::AtMost;
  BaselineKind baseline = BaselineKind::LeaveOneOut;
  bool normalize_advantages = true;
  bool settle = true;

  static MaskUpdateRule of(const TrainConfig& config);
};

// What changes between iterations.
struct MaskUpdateValues {
  double lr_s = 0.0;
  double budget = 0.0;         // K_e: the ramp's budget, the pinned step's 1 included
  bool learns = true;          // false: s stays as it is (the warm-up)
  double settle_rate = 0.0;    // settle_rate(): 0 before the ramp's end
  bool to_target = false;      // settle toward the target indicator, not s's own top K
};

// MaskUpdateValues as the float64 tensor update_mask reads: a captured step is handed new values
// by copying into that tensor.
struct MaskValue {
  enum : int64_t { lr_s, budget, learns, settle_rate, to_target, count };
};
std::array<double, MaskValue::count> mask_value_array(const MaskUpdateValues& values);

// s after one update from `masks` (rows, T; float or uint8) and their `rewards` (rows). `ema` is the
// running mean of the rewards (0-dim), `values` a (MaskValue::count) float64 tensor on s's device,
// `target_indicator` the settle target's (T) indicator (read when values say to_target). One row
// has a single reward: its baseline can only be the running mean.
torch::Tensor update_mask(const MaskUpdateRule& rule, const torch::Tensor& s, const torch::Tensor& masks,
                          const torch::Tensor& rewards, const torch::Tensor& ema, const torch::Tensor& values,
                          const torch::Tensor& target_indicator);

// The same on the host: s is a (T) float64 CPU tensor, replaced by its update; `target` the settle
// target's 0-based timesteps (empty: s's own top K).
void update_mask_on_host(const MaskUpdateRule& rule, torch::Tensor& s, const torch::Tensor& masks,
                         const torch::Tensor& rewards, double ema, const MaskUpdateValues& values,
                         const std::vector<int>& target);

}  // namespace eddpm
