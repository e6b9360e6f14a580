#include "mask_semantics.h"

#include <algorithm>
#include <stdexcept>

namespace eddpm {

std::string to_string(Semantics s) { return s == Semantics::Paper ? "paper" : "jump"; }

Semantics semantics_from_string(const std::string& name) {
  if (name == "paper") return Semantics::Paper;
  if (name == "jump") return Semantics::Jump;
  throw std::invalid_argument("unknown semantics '" + name + "' (paper, jump)");
}

std::vector<double> kept_levels(const NoiseSchedule& schedule, Semantics semantics,
                                const std::vector<int>& timesteps) {
  std::vector<double> levels;
  levels.reserve(timesteps.size());
  if (semantics == Semantics::Jump) {
    for (int t : timesteps) levels.push_back(schedule.alpha_bar(t));
    return levels;
  }
  std::vector<int> ascending(timesteps);
  std::sort(ascending.begin(), ascending.end());
  std::vector<double> level_of(schedule.T(), 1.0);
  double prod = 1.0;
  for (int t : ascending) {
    prod *= 1.0 - schedule.betas().at(t);
    level_of[t] = prod;
  }
  for (int t : timesteps) levels.push_back(level_of.at(t));
  return levels;
}

double terminal_level(const NoiseSchedule& schedule, Semantics semantics,
                      const std::vector<int>& timesteps) {
  if (timesteps.empty()) return 1.0;
  const int top = *std::max_element(timesteps.begin(), timesteps.end());
  if (semantics == Semantics::Jump) return schedule.alpha_bar(top);
  double prod = 1.0;
  for (int t : timesteps) prod *= 1.0 - schedule.betas().at(t);
  return prod;
}

}  // namespace eddpm
