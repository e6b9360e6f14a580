#pragma once
// Reading a schedule and its diagnostics off the mask probabilities s (spec section 6).
#include <vector>

namespace eddpm {

// The K timesteps with the largest s, ties to the larger t, listed in descending order.
std::vector<int> top_k_timesteps(const std::vector<double>& s, int K);

struct MaskStats {
  double sum = 0.0;           // sum(s)
  int kept_over_half = 0;     // number of s_t > 0.5
  double uncertainty = 0.0;   // u = mean_t min(s_t, 1 - s_t)
  double concentration = 0.0; // c = mean of the K largest s_t
  bool deterministic = false; // exactly K steps above 0.5 and c > 0.95
};

MaskStats mask_stats(const std::vector<double>& s, int K);

}  // namespace eddpm
