#include "ld3.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include <torch/torch.h>

#include "handcrafted_schedules.h"
#include "schedule_factory.h"
#include "schedule_sampling.h"

namespace eddpm {

double ld3_distance(const Teacher& teacher, const std::vector<int>& timesteps, const std::atomic<bool>* cancel) {
  // The teacher's task holds the model, bound to its condition where the chains impute.
  const torch::Tensor student = sample_schedule_from(teacher.task.run, timesteps, teacher.x_T, teacher.settings.seed + 1,
                                                     teacher.settings.solver, cancel);
  return counted_difference(student, teacher.result, teacher.task.weight).pow(2).sum(1).mean().item<double>();
}

std::vector<int> ld3_schedule(const TrainedModel& run, const Teacher& teacher, int K, const SearchHooks& hooks) {
  const auto start = std::chrono::steady_clock::now();
  const int T = run.noise.T();
  if (K < 1 || K > T) throw std::invalid_argument("ld3: K must be in [1, T]");
  const auto over_budget = [&] { return hooks.budget_seconds > 0 && seconds_since(start) > hooks.budget_seconds; };
  // The start: the closed-form family nearest the teacher (exactly K steps).
  std::vector<int> best;
  double best_distance = 0.0;
  for (ScheduleKind kind : handcrafted_kinds()) {
    if (!is_closed_form(kind)) continue;
    const std::vector<int> steps = handcrafted_schedule(kind, K, run.noise);
    if (int(steps.size()) != K) continue;
    const double d = ld3_distance(teacher, steps, hooks.cancel);
    if (best.empty() || d < best_distance) best = steps, best_distance = d;
  }
  if (best.empty()) best = handcrafted_schedule(ScheduleKind::Trailing, K, run.noise), best_distance = ld3_distance(teacher, best, hooks.cancel);
  hooks.report(0.1, "ld3: start " + std::to_string(best_distance));
  int stride = std::max(1, T / (2 * K));
  const int first_stride = stride;
  int evaluations = 0;
  while (stride >= 1 && !over_budget()) {
    bool improved = false;
    for (int k = 0; k < K && !over_budget(); ++k) {
      for (int direction : {+1, -1}) {
        std::vector<int> trial = best;
        const int upper = k == 0 ? T - 1 : best[k - 1] - 1;
        const int lower = k + 1 < K ? best[k + 1] + 1 : 0;
        trial[k] = std::clamp(best[k] + direction * stride, lower, upper);
        if (trial[k] == best[k]) continue;
        const double d = ld3_distance(teacher, trial, hooks.cancel);
        ++evaluations;
        if (d < best_distance) {
          best = trial, best_distance = d, improved = true;
          break;
        }
      }
    }
    if (!improved) stride /= 2;
    // Progress by how far the stride has come down (log scale), the search's own clock.
    double fraction = 0.1;
    for (int s = first_stride; s > stride; s /= 2) fraction += 0.9 / (1 + std::log2(double(first_stride)));
    hooks.report(std::min(0.99, fraction), "ld3: stride " + std::to_string(stride) + ", " + std::to_string(evaluations) +
                                               " chains, distance " + std::to_string(best_distance));
  }
  hooks.report(1.0, "ld3: done");
  return best;
}

}  // namespace eddpm
