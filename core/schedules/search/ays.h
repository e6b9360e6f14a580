#pragma once
// Align Your Steps (Sabour et al., ICML 2024): the K steps that minimize an upper bound on the KL
// divergence between the reverse SDE and its discretization (KLUB), by coordinate search from the
// Karras schedule. In sigma = sqrt((1 - a) / a), the KLUB of holding the denoiser D at the kept step
// t_i over the interval down to t_{i+1} is the integral of E||D(x_sigma, sigma) - D(x_i, sigma_i)||^2
// dsigma / sigma^3; here it is estimated on a grid of timesteps, on the search task's examples
// (search_task.h: a time-series model's hidden values) noised along Brownian paths. docs/SEARCHES.md
// has every choice.
#include <cstdint>
#include <vector>

#include "search_hooks.h"
#include "search_task.h"
#include "trained_model.h"

namespace eddpm {

struct AysSettings {
  int grid_points = 100;  // where the KLUB integrand is measured and steps may sit (<= T)
  int64_t samples = 256;  // examples it is averaged over (a time-series model's windows)
  uint64_t seed = 0;      // of those points and their noise
  int max_sweeps = 100;   // coordinate-search passes over the steps
};

// The KLUB of every pair of grid points as kept steps (the interval between them), from the model's
// clean estimates at each grid point: klub[hi][lo] for grid indices hi > lo in ascending timestep
// order (index 0 = timestep 0).
std::vector<std::vector<double>> ays_interval_costs(const SearchTask& task, const std::vector<int>& ascending_grid,
                                                    const AysSettings& settings, const SearchHooks& hooks);

// What the estimate runs on: settings.grid_points and settings.samples, or under a budget the grid
// whose G (G - 1) network batches fit 80% of it (at least K + 1 points), and where even that grid
// overruns (a large network, a series model's windows), fewer examples too (at least 16).
struct AysPlan {
  int grid_points = 0;
  int64_t samples = 0;
};
AysPlan ays_plan(const SearchTask& task, int K, const AysSettings& settings, const SearchHooks& hooks);

// The K-step AYS schedule (timesteps, descending; T - 1 first).
// `used` (optional) hears the plan that ran.
std::vector<int> ays_schedule(const TrainedModel& run, int K, const AysSettings& settings = {},
                              const SearchHooks& hooks = {}, AysPlan* used = nullptr);

}  // namespace eddpm
