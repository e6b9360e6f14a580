#include "elbo_dp.h"

#include <limits>
#include <stdexcept>

namespace eddpm {

DpSolution optimal_paths(const std::vector<std::vector<double>>& cost, int max_steps) {
  const int N = int(cost.size()) - 1;
  if (N < 1 || max_steps < 1) throw std::invalid_argument("empty DP problem");
  constexpr double inf = std::numeric_limits<double>::infinity();
  // best[k][p]: cheapest way to go from position p down to 0 in exactly k jumps.
  std::vector<std::vector<double>> best(max_steps + 1, std::vector<double>(N + 1, inf));
  std::vector<std::vector<int>> next(max_steps + 1, std::vector<int>(N + 1, -1));
  best[0][0] = 0.0;
  for (int k = 1; k <= max_steps; ++k) {
    for (int p = 1; p <= N; ++p) {
      const std::vector<double>& row = cost[p];
      double b = inf;
      int arg = -1;
      for (int s = 0; s < p; ++s) {
        const double c = best[k - 1][s] + row[s];
        if (c < b) { b = c; arg = s; }
      }
      best[k][p] = b;
      next[k][p] = arg;
    }
  }
  DpSolution solution;
  for (int k = 1; k <= max_steps; ++k) {
    std::vector<int> path;
    if (best[k][N] < inf) {
      for (int p = N, j = k; p > 0; p = next[j][p], --j) path.push_back(p - 1);
    }
    solution.schedules.push_back(path);
    solution.costs.push_back(best[k][N]);
  }
  return solution;
}

}  // namespace eddpm
