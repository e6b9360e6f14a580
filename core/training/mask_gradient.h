#pragma once
// The tensor pieces of one EDDPM iteration that concern the mask (spec section 4): drawing masks,
// picking a kept timestep, the levels under a mask, the ELBO terms and the score-function gradient.
// The tensor functions are device-agnostic and never read back to the host; the `_on_host` ones are
// the CPU step's loops over the same arithmetic (mask_update.h), held equal by test_mask_gradient.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "mask_semantics.h"
#include "train_config.h"

namespace eddpm {

// (rows, T) float masks m ~ Bernoulli(s); with `pin_last` the last step is always kept.
// Rows that keep nothing are drawn again (only possible without pinning).
torch::Tensor draw_masks(const torch::Tensor& s, int64_t rows, bool pin_last, at::Generator& gen);

// One kept timestep per row, uniform among the row's kept steps: (rows) int64. Draws the same
// numbers as torch::multinomial(masks, 1) (so older runs resume on the same stream) without its
// host read, so it can be captured in a CUDA graph. Every row must keep a step.
torch::Tensor pick_kept_timesteps(const torch::Tensor& masks, at::Generator& gen);

// The noise levels a_t(m) of every timestep under each row's mask: (rows, T) float64.
// `betas` and `alpha_bars` are (T) float64 on the masks' device.
torch::Tensor levels_under_masks(const torch::Tensor& masks, const torch::Tensor& betas,
                                 const torch::Tensor& alpha_bars, Semantics semantics);

// What one iteration's loss needs from each row's mask at the row's sampled step t.
struct KeptLevels {
  torch::Tensor t;           // (rows) int64
  torch::Tensor level_t;     // (rows) float64: a_t(m)
  torch::Tensor level_prev;  // (rows) float64: a at the kept step before t (meaningless without one)
  torch::Tensor has_prev;    // (rows) bool: t is not the lowest kept step
  torch::Tensor level_top;   // (rows) float64: a at the highest kept step
  torch::Tensor kept;        // (rows) float64: k, the number of kept steps
};
KeptLevels kept_levels_at(const torch::Tensor& masks, const torch::Tensor& levels, const torch::Tensor& t);

// Per-row ELBO pieces for the sampled step t of each row (spec section 4, step 5):
// jump_weight = k * max(0, 0.5 (SNR_{j-1}/SNR_j - 1)), the weight of the squared error;
// prior = per-dim KL(N(sqrt(a_k) x0, 1 - a_k) || N(0, 1)) of the top kept step.
struct ElboTerms {
  torch::Tensor jump_weight;  // (rows)
  torch::Tensor prior;        // (rows)
};
ElboTerms elbo_terms(const KeptLevels& at, const torch::Tensor& x0, double sigma0);
ElboTerms elbo_terms(const torch::Tensor& masks, const torch::Tensor& levels, const torch::Tensor& t,
                     const torch::Tensor& x0, double sigma0);

// Advantages R_b - baseline_b for the chosen baseline; `ema` is the running mean for BaselineKind::Ema.
torch::Tensor advantages(const torch::Tensor& rewards, BaselineKind baseline, const torch::Tensor& ema);
// The same as one loop on the host (four tensor operations cost more than the loop on the CPU).
torch::Tensor advantages_on_host(const torch::Tensor& rewards, BaselineKind baseline, double ema);

// g_t = mean_b A_b (m_bt / s_t - (1 - m_bt) / (1 - s_t)), s clamped into [delta, 1 - delta].
torch::Tensor score_function_gradient(const torch::Tensor& masks, const torch::Tensor& s,
                                      const torch::Tensor& advantage, double delta = 1e-4);
// The same on the host, for float or uint8 masks (the fused draw's, summed without widening them).
torch::Tensor score_function_gradient_on_host(const torch::Tensor& masks, const torch::Tensor& s,
                                              const torch::Tensor& advantage, double delta = 1e-4);

}  // namespace eddpm
