#pragma once
// ELBO-optimal step selection by dynamic programming (Watson et al. 2021; spec section 8).
#include <vector>

namespace eddpm {

// cost[t][s] for 0 <= s < t <= N: the cost of jumping from position t down to position s, where
// position 0 is the data and position p >= 1 is timestep p-1. Returns, for every budget
// k = 1..max_steps, the cheapest path from position N to 0 in exactly k jumps, as the 0-based
// timesteps it visits in descending order (empty if k jumps cannot reach).
struct DpSolution {
  std::vector<std::vector<int>> schedules;  // schedules[k-1]: the optimal k-step schedule
  std::vector<double> costs;                // costs[k-1]: its total cost
};

DpSolution optimal_paths(const std::vector<std::vector<double>>& cost, int max_steps);

}  // namespace eddpm
