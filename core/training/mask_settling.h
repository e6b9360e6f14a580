#pragma once
// The settling phase (ours, beyond the paper): from the end of the budget ramp to the last
// iteration the mask probabilities are pulled toward the indicator of their own top K, so that a
// run ends with a deterministic mask (spec section 6: exactly K steps above 0.5, concentration
// above 0.95) on every seed. Without it the score-function steps leave s spread over K + 1 or
// K + 2 steps on most seeds (docs/FINDINGS.md). The score-function steps go on while it
// pulls: a step the rewards prefer can still overtake one in the top K before the end.
#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace eddpm {

// The share of the way to the indicator taken at `iteration` (0-based): 0 before `settle_start`,
// then 1 / (iterations left), so the pull is linear in the iterations and the last one lands on
// the indicator itself. 0 from `total` on (a run continued past its end stays where it settled).
double settle_rate(int64_t iteration, int64_t settle_start, int64_t total);

// s <- s + rate * (h - s) with h the indicator of the K largest s (ties to the larger t, as the
// learned schedule reads them), on n values in host memory. A non-empty `target` (0-based
// timesteps, settle_target.h) is the indicator's support instead of s's own top K.
void settle_in_place(double* s, int64_t n, int K, double rate, const std::vector<int>& target = {});

// The indicator of the K largest s (ties to the larger t) as tensor operations on s's device.
torch::Tensor top_k_indicator_on_device(const torch::Tensor& s, int K);
// s + rate * (indicator - s), landing exactly on the indicator at rate 1, with the rate a 0-dim
// tensor on the device of s (no host reads: a CUDA graph captures it once and is handed a new rate
// each iteration).
torch::Tensor settle_toward_on_device(const torch::Tensor& s, const torch::Tensor& indicator, const torch::Tensor& rate);
// Both: the device form of settle_in_place without a target.
torch::Tensor settle_on_device(const torch::Tensor& s, int K, const torch::Tensor& rate);

}  // namespace eddpm
