#pragma once
// Noise level of a kept step under a mask (spec section 3).
#include <string>
#include <vector>

#include "noise_schedule.h"

namespace eddpm {

enum class Semantics {
  Paper,  // a skipped step adds no noise: a_t(m) = prod_{i<=t} (1 - beta_i m_i)
  Jump,   // a kept step keeps its base level: a_t(m) = abar_t
};

std::string to_string(Semantics s);
Semantics semantics_from_string(const std::string& name);

// Levels a_j of the given kept timesteps (any order; the mask is exactly this set), returned in
// the order given.
std::vector<double> kept_levels(const NoiseSchedule& schedule, Semantics semantics,
                                const std::vector<int>& timesteps);

// a_T(m) of the chain that keeps these steps: where sampling starts. Under paper semantics a short
// chain stays far from pure noise (the prior mismatch).
double terminal_level(const NoiseSchedule& schedule, Semantics semantics,
                      const std::vector<int>& timesteps);

}  // namespace eddpm
