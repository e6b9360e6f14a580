#include "gits.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

#include "elbo_dp.h"

namespace eddpm {

namespace {

// Mean over samples of the L2 distance between matching rows, over the values that count.
double mean_distance(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& weight) {
  return counted_difference(a, b, weight).norm(2, 1).mean().item<double>();
}

}  // namespace

std::vector<std::vector<double>> gits_costs(const Teacher& teacher, const NoiseSchedule& noise) {
  torch::NoGradGuard no_grad;
  const int G = int(teacher.grid.size());
  const auto position = [G](int g) { return G - g; };  // grid index -> DP position
  std::vector<std::vector<double>> cost(G + 1, std::vector<double>(G + 1, 0.0));
  for (int i = 0; i < G; ++i) {
    const double a = noise.alpha_bar(teacher.grid[i]);
    const torch::Tensor x = teacher.states[i].to(torch::kFloat64);
    const torch::Tensor x0 = teacher.x0_hats[i].to(torch::kFloat64);
    const torch::Tensor eps = (x - std::sqrt(a) * x0) / std::sqrt(1.0 - a);
    for (int j = i + 1; j < G; ++j) {
      const double a_next = noise.alpha_bar(teacher.grid[j]);
      const torch::Tensor jumped = std::sqrt(a_next) * x0 + std::sqrt(1.0 - a_next) * eps;
      cost[position(i)][position(j)] = mean_distance(jumped, teacher.states[j], teacher.task.weight);
    }
    cost[position(i)][0] = mean_distance(x0, teacher.result, teacher.task.weight);
  }
  return cost;
}

std::vector<int> gits_schedule(const Teacher& teacher, const NoiseSchedule& noise, int K) {
  const int G = int(teacher.grid.size());
  if (K < 1 || K >= G)
    throw std::invalid_argument("gits picks K steps from a teacher grid of " + std::to_string(G) +
                                " points: K must be in [1, " + std::to_string(G - 1) + "]");
  const DpSolution dp = optimal_paths(gits_costs(teacher, noise), K);
  std::vector<int> steps;
  // optimal_paths names position p as "timestep" p - 1; position p is grid index G - p.
  for (int p_minus_1 : dp.schedules.at(K - 1)) steps.push_back(teacher.grid.at(G - 1 - p_minus_1));
  return steps;
}

}  // namespace eddpm
