#include "budget_projection.h"

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

namespace eddpm {

double BudgetRamp::gamma(long iteration) const {
  if (iteration < warmup) return gamma_initial;
  const double span = std::max<long>(1, ramp_end - warmup);
  const double progress = std::min(1.0, double(iteration - warmup) / span);
  const double rest = 1.0 - progress;
  return gamma_final + (gamma_initial - gamma_final) * rest * rest * rest;
}

namespace {
// Walks the breakpoints of g(v) = sum clamp(z_i - v, 0, 1), a non-increasing piecewise-linear
// function whose slope is minus the number of i with z_i - 1 < v < z_i.
double exact_shift(const double* z, long n, double budget) {
  std::vector<std::pair<double, int>> events;  // (v, change of the active count)
  events.reserve(2 * n);
  double g = 0.0;
  int active = 0;
  for (long i = 0; i < n; ++i) {
    g += std::clamp(z[i], 0.0, 1.0);
    if (z[i] - 1.0 <= 0.0 && z[i] > 0.0) ++active;
    if (z[i] - 1.0 > 0.0) events.emplace_back(z[i] - 1.0, +1);
    if (z[i] > 0.0) events.emplace_back(z[i], -1);
  }
  if (g <= budget) return 0.0;
  std::sort(events.begin(), events.end());
  double v = 0.0;
  for (const auto& [position, change] : events) {
    const double g_next = g - active * (position - v);
    if (g_next <= budget && active > 0) return v + (g - budget) / active;
    g = g_next;
    v = position;
    active += change;
  }
  return v;
}
}  // namespace

torch::Tensor project_to_budget(const torch::Tensor& z, double budget) {
  if (!z.device().is_cpu()) return project_to_budget_bisection(z, budget);
  const torch::Tensor z64 = z.to(torch::kFloat64).contiguous();
  const double v = exact_shift(z64.data_ptr<double>(), z64.numel(), budget);
  return (z64 - v).clamp(0.0, 1.0).to(z.scalar_type());
}

torch::Tensor project_to_budget_bisection(const torch::Tensor& z, double budget) {
  constexpr int kRounds = 64;
  const torch::Tensor clipped = z.clamp(0.0, 1.0);
  const torch::Tensor fits = clipped.sum() <= budget;
  // f(v) = sum clamp(z - v, 0, 1) is non-increasing in v with f(max z) = 0 <= budget.
  torch::Tensor lo = torch::zeros({}, z.options());
  torch::Tensor hi = z.max().clamp_min(0.0);
  for (int round = 0; round < kRounds; ++round) {
    const torch::Tensor mid = 0.5 * (lo + hi);
    const torch::Tensor over = (z - mid).clamp(0.0, 1.0).sum() > budget;
    lo = torch::where(over, mid, lo);
    hi = torch::where(over, hi, mid);
  }
  const torch::Tensor shifted = (z - hi).clamp(0.0, 1.0);
  return torch::where(fits, clipped, shifted);
}

}  // namespace eddpm
