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
// The v <= 0 with g(v) = sum clamp(z_i - v, 0, 1) = budget, for a z whose clamp spends less than
// the budget: the walk below from the other end, starting where every entry is clamped to 1.
double raising_shift(const double* z, long n, double budget) {
  if (n == 0) return 0.0;
  std::vector<std::pair<double, int>> events;  // (v, change of the active count), walked downwards
  events.reserve(2 * n);
  for (long i = 0; i < n; ++i) {
    events.emplace_back(z[i], +1);
    events.emplace_back(z[i] - 1.0, -1);
  }
  std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  double g = 0.0, v = events.front().first;  // above the largest z_i every entry is clamped to 0
  int active = 0;
  for (const auto& [position, change] : events) {
    const double g_next = g + active * (v - position);
    if (g_next >= budget && active > 0) return v - (budget - g) / active;
    g = g_next;
    v = position;
    active += change;
  }
  return v;  // the budget is all n entries: every one at 1
}

// Walks the breakpoints of g(v) = sum clamp(z_i - v, 0, 1), a non-increasing piecewise-linear
// function whose slope is minus the number of i with z_i - 1 < v < z_i.
double lowering_shift(const double* z, long n, double budget) {
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

void project_to_budget_in_place(double* z, int64_t n, double budget, BudgetRule rule) {
  double v = lowering_shift(z, n, budget);
  if (rule == BudgetRule::Exact && v == 0.0) {
    double spent = 0.0;
    for (int64_t i = 0; i < n; ++i) spent += std::clamp(z[i], 0.0, 1.0);
    if (spent < budget) v = raising_shift(z, n, std::min(budget, double(n)));
  }
  for (int64_t i = 0; i < n; ++i) z[i] = std::clamp(z[i] - v, 0.0, 1.0);
}

torch::Tensor project_to_budget(const torch::Tensor& z, double budget, BudgetRule rule) {
  torch::Tensor s = z.to(torch::kCPU, torch::kFloat64).contiguous().clone();
  project_to_budget_in_place(s.data_ptr<double>(), s.numel(), budget, rule);
  return s.to(z.options());
}

torch::Tensor project_to_budget_on_device(const torch::Tensor& z, const torch::Tensor& budget, BudgetRule rule) {
  const torch::Tensor z64 = z.to(torch::kFloat64);
  const torch::Tensor b = budget.to(z64.options());
  const int64_t n = z64.numel();
  // g(v) = sum clamp(z_i - v, 0, 1) is piecewise linear between the breakpoints z_i and z_i - 1.
  // With z sorted and its prefix sums P: g(v) = #{z_i >= v + 1} + sum over v < z_i < v + 1 of
  // (z_i - v), two searches per v. Under "at most" candidates below 0 become 0, which is itself
  // the first one; under "exact" the first, min z - 1, is where g = n (every entry at 1).
  const torch::Tensor sorted = std::get<0>(z64.sort());
  const torch::Tensor prefix = torch::cat({torch::zeros({1}, z64.options()), sorted.cumsum(0)});
  torch::Tensor breakpoints = torch::cat({sorted, sorted - 1.0, torch::zeros({1}, z64.options())});
  if (rule == BudgetRule::AtMost) breakpoints = breakpoints.clamp_min(0.0);
  const torch::Tensor candidates = std::get<0>(breakpoints.sort());
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
  const torch::Tensor v = torch::where(first > 0, v0 + (g0 - b) / span * (v1 - v0), candidates.index_select(0, first));
  return (z64 - v).clamp(0.0, 1.0).to(z.scalar_type());
}

}  // namespace eddpm
