#pragma once
// The per-example mask draw of a training iteration as one pass per row on the CPU (the fast
// path). It draws the same random variables as draw_masks + pick_kept_timesteps +
// levels_under_masks + kept_levels_at (mask_gradient.h), from another stream: one draw of the
// generator seeds a counter-based stream per row, so the result does not depend on the thread
// count, and the generator's saved state still resumes a run exactly.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "mask_gradient.h"
#include "mask_semantics.h"
#include "noise_schedule.h"

namespace eddpm {

struct MaskDraw {
  torch::Tensor masks;  // (rows, T) uint8, 1 = kept: an eighth of float64's memory traffic
  KeptLevels at;        // each row's sampled step and its levels
};

// `s` is a (T) CPU tensor of keep probabilities; rows that keep nothing are drawn again (only
// possible without pinning), and after 1000 rounds keep the most probable step. The masks are
// written into `masks_buffer` when it is a (rows, T) uint8 CPU tensor: a training loop that
// passes the previous iteration's masks saves allocating and faulting in a large tensor each time.
MaskDraw draw_masks_fused(const torch::Tensor& s, int64_t rows, bool pin_last,
                          const NoiseSchedule& noise, Semantics semantics, at::Generator& gen,
                          const torch::Tensor& masks_buffer = {});

}  // namespace eddpm
