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

void project_to_budget_in_place(double* z, int64_t n, double budget) {
  const double v = exact_shift(z, n, budget);
  for (int64_t i = 0; i < n; ++i) z[i] = std::clamp(z[i] - v, 0.0, 1.0);
}

torch::Tensor project_to_budget(const torch::Tensor& z, double budget) {
  if (!z.device().is_cpu())
    return project_to_budget_on_device(z, torch::full({}, budget, z.options().dtype(torch::kFloat64)));
  torch::Tensor s = z.to(torch::kFloat64).contiguous().clone();
  project_to_budget_in_place(s.data_ptr<double>(), s.numel(), budget);
  return s.to(z.scalar_type());
}

torch::Tensor project_to_budget_on_device(const torch::Tensor& z, const torch::Tensor& budget) {
  const torch::Tensor z64 = z.to(torch::kFloat64);
  const torch::Tensor b = budget.to(z64.options());
  const int64_t n = z64.numel();
  // g(v) = sum clamp(z_i - v, 0, 1) is piecewise linear between the breakpoints z_i and z_i - 1.
  // With z sorted and its prefix sums P: g(v) = #{z_i >= v + 1} + sum over v < z_i < v + 1 of
  // (z_i - v), two searches per v. Candidates below 0 become 0, which is itself the first one.
  const torch::Tensor sorted = std::get<0>(z64.sort());
  const torch::Tensor prefix = torch::cat({torch::zeros({1}, z64.options()), sorted.cumsum(0)});
  const torch::Tensor candidates =
      std::get<0>(torch::cat({sorted, sorted - 1.0, torch::zeros({1}, z64.options())}).clamp_min(0.0).sort());
  const torch::Tensor low = torch::searchsorted(sorted, candidates, /*out_int32=*/false, /*right=*/true);
  const torch::Tensor high = torch::searchsorted(sorted, candidates + 1.0);
  const torch::Tensor g = (n - high).to(torch::kFloat64) + prefix.index_select(0, high) -
                          prefix.index_select(0, low) - (high - low).to(torch::kFloat64) * candidates;
  // g is non-increasing: the first candidate within budget ends the linear piece that holds v.
  const torch::Tensor first = (g > b).sum().clamp_max(candidates.numel() - 1).unsqueeze(0);
  const torch::Tensor before = (first - 1).clamp_min(0);
  const torch::Tensor v0 = candidates.index_select(0, before), v1 = candidates.index_select(0, first);
  const torch::Tensor g0 = g.index_select(0, before), g1 = g.index_select(0, first);
  const torch::Tensor span = (g0 - g1).clamp_min(1e-300);
  const torch::Tensor v = torch::where(first > 0, v0 + (g0 - b) / span * (v1 - v0), torch::zeros_like(v0));
  return (z64 - v).clamp(0.0, 1.0).to(z.scalar_type());
}

}  // namespace eddpm
