#pragma once
// The budget constraint on mask probabilities: the cubic ramp of K_e (spec section 5) and the
// Euclidean projection onto S = { s in [0,1]^T : sum(s) <= K_e } (spec section 4, step 8).
#include <torch/types.h>

#include "budget_rule.h"

namespace eddpm {

struct BudgetRamp {
  long warmup = 0;      // i1: full-chain training before the ramp starts
  long ramp_end = 1;    // i2: the budget reaches gamma_final here
  double gamma_final = 0.01;
  double gamma_initial = 1.0;  // below 1 when rollouts start from a smaller budget (rollout rewards)

  // gamma(i) = gamma_0 before i1, then gamma_f + (gamma_0 - gamma_f)(1 - min(1, (i - i1)/(i2 - i1)))^3.
  double gamma(long iteration) const;
};

// Projection of a 1-D z onto { 0 <= s <= 1, sum(s) <= budget } (AtMost) or { ..., sum(s) = budget }
// (Exact; a budget above n gives all ones): s = clamp(z - v, 0, 1) with the v that meets the
// budget (at most: the smallest v >= 0), by a walk over the sorted breakpoints on the host (z is read
// there and the result returned on z's device).
torch::Tensor project_to_budget(const torch::Tensor& z, double budget, BudgetRule rule = BudgetRule::AtMost);

// The same walk on n values in host memory, replaced by their projection: the CPU trainer's mask
// update works on plain arrays (a dozen tensor operations on T values cost it ~100 us an iteration).
void project_to_budget_in_place(double* z, int64_t n, double budget, BudgetRule rule = BudgetRule::AtMost);

// The same exact projection as a fixed sequence of tensor operations (a sort and a search, no
// rounds) that never reads back to the host: capturable in a CUDA graph. `budget` is a 0-dim
// tensor on the device of z, so a captured step can be given a new budget each iteration.
torch::Tensor project_to_budget_on_device(const torch::Tensor& z, const torch::Tensor& budget,
                                          BudgetRule rule = BudgetRule::AtMost);

}  // namespace eddpm
