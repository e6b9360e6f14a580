#include "elbo_dp_schedule.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <stdexcept>

#include <torch/torch.h>

#include "elbo_dp.h"
#include "rng.h"
#include "conditional_eps_model.h"
#include "imputation_masks.h"
#include "search_hooks.h"

namespace eddpm {

namespace {
constexpr int64_t kExamples = 256;
constexpr int64_t kFewestExamples = 16;
constexpr int kTimedLevels = 16;  // one batch of denoising_errors_at
// Levels the DP needs to place K steps among more than a handful of choices.
int fewest_levels(int T, int K) { return std::min(T, std::max(32, 2 * K)); }
}  // namespace

std::vector<double> denoising_errors(const TrainedModel& run, int64_t n, at::Generator& gen) {
  std::vector<int> every(run.noise.T());
  std::iota(every.begin(), every.end(), 0);
  return denoising_errors_at(run, every, n, gen);
}

std::vector<double> denoising_errors_at(const TrainedModel& run, const std::vector<int>& levels, int64_t n,
                                        at::Generator& gen) {
  torch::NoGradGuard no_grad;
  EpsModel& model = *run.model;
  const bool was_training = model.is_training();
  model.eval();
  const int T = run.noise.T();
  torch::Tensor x0 = run.data->sample(n, gen);
  // A time-series model is scored as it is used: on kHiddenShare of each window's observed values,
  // hidden, given the rest, its error read there only.
  auto* conditional = dynamic_cast<ConditionalEpsModel*>(&model);
  torch::Tensor condition, target;
  if (conditional) {
    const torch::Tensor observed = observed_mask(x0);
    target = hide_share(observed, torch::full({n}, kHiddenShare), gen);
    condition = (observed - target).to(run.device);
    target = target.to(run.device);
    x0 = torch::nan_to_num(x0, 0.0);
  }
  x0 = x0.to(run.device);
  const int L = int(levels.size());
  for (int level : levels)
    if (level < 0 || level >= T) throw std::invalid_argument("a denoising error's level must be in [0, T)");
  std::vector<double> errors(L);
  constexpr int kStepsPerBatch = 16;
  for (int first = 0; first < L; first += kStepsPerBatch) {
    const int count = std::min(kStepsPerBatch, L - first);
    const std::vector<int64_t> batch(levels.begin() + first, levels.begin() + first + count);
    const torch::Tensor steps = torch::tensor(batch, torch::kLong);
    const torch::Tensor t = steps.repeat_interleave(n).to(run.device);
    std::vector<double> abar;
    for (int64_t level : batch) abar.push_back(run.noise.alpha_bars()[level]);
    std::vector<int64_t> per_example(x0.dim(), 1);  // broadcast a level over a point or an image
    per_example[0] = -1;
    const torch::Tensor a = torch::tensor(abar, torch::kFloat64).repeat_interleave(n).to(run.device, torch::kFloat32).view(per_example);
    std::vector<int64_t> copies(x0.dim(), 1);
    copies[0] = count;
    const torch::Tensor x = x0.repeat(copies);
    const torch::Tensor eps = torch::randn(x.sizes(), gen).to(run.device);
    const torch::Tensor x_t = torch::sqrt(a) * x + torch::sqrt(1.0 - a) * eps;
    torch::Tensor err;
    if (conditional) {
      const torch::Tensor weight = target.repeat(copies).reshape({count, n, -1});
      const torch::Tensor squared = (conditional->forward_conditional(x_t, t, x, condition.repeat(copies)) - eps).pow(2);
      err = (squared.reshape({count, n, -1}) * weight).sum({1, 2}) / weight.sum({1, 2}).clamp_min(1.0);
    } else {
      err = (model.forward(x_t, t) - eps).pow(2).reshape({count, n, -1}).mean({1, 2});
    }
    err = err.cpu().to(torch::kFloat64);
    for (int i = 0; i < count; ++i) errors[first + i] = err[i].item<double>();
  }
  model.train(was_training);
  return errors;
}

std::vector<std::vector<double>> elbo_pair_costs(const NoiseSchedule& noise, const std::vector<double>& errors,
                                                 double sigma0) {
  const int T = noise.T();
  const double snr_data = 1.0 / (sigma0 * sigma0);
  std::vector<std::vector<double>> cost(T + 1, std::vector<double>(T + 1, 0.0));
  for (int p = 1; p <= T; ++p) {
    const double snr_t = noise.snr(p - 1);
    for (int s = 0; s < p; ++s) {
      const double snr_s = s == 0 ? snr_data : noise.snr(s - 1);
      cost[p][s] = std::max(0.0, 0.5 * (snr_s / snr_t - 1.0)) * errors[p - 1];
    }
  }
  return cost;
}


std::vector<int> error_levels(int T, int count) {
  if (count >= T) {
    std::vector<int> every(T);
    std::iota(every.begin(), every.end(), 0);
    return every;
  }
  std::vector<int> levels;
  for (int i = 0; i < count; ++i) {
    const double u = count > 1 ? double(i) / (count - 1) : 1.0;
    const int level = int(std::lround(u * u * (T - 1)));
    if (levels.empty() || level > levels.back()) levels.push_back(level);
  }
  return levels;
}

std::vector<double> interpolate_levels(const std::vector<int>& levels, const std::vector<double>& values, int T) {
  if (levels.empty() || levels.size() != values.size() || levels.front() != 0 || levels.back() != T - 1)
    throw std::invalid_argument("interpolation needs values at 0 and T - 1");
  std::vector<double> out(T);
  for (size_t i = 0; i + 1 < levels.size(); ++i)
    for (int t = levels[i]; t <= levels[i + 1]; ++t) {
      const double w = double(t - levels[i]) / double(std::max(1, levels[i + 1] - levels[i]));
      out[t] = (1.0 - w) * values[i] + w * values[i + 1];
    }
  if (levels.size() == 1) out[0] = values[0];
  return out;
}

ElboDpPlan elbo_dp_plan(const TrainedModel& run, int K, double budget_seconds) {
  const int T = run.noise.T();
  ElboDpPlan plan{T, kExamples};
  if (budget_seconds <= 0) return plan;
  at::Generator gen = make_cpu_generator(0);
  const auto start = std::chrono::steady_clock::now();
  denoising_errors_at(run, error_levels(T, kTimedLevels), kExamples, gen);
  const double per_level = seconds_since(start) / kTimedLevels;
  // Four fifths of the budget, the rest for the DP and the timing itself.
  const double fits = 0.8 * budget_seconds / per_level;
  const int floor = fewest_levels(T, K);
  if (fits >= floor) {
    plan.levels = int(std::min<double>(T, fits));
  } else {
    plan.levels = floor;
    plan.examples = std::max<int64_t>(kFewestExamples, int64_t(double(kExamples) * fits / floor));
  }
  return plan;
}

std::vector<int> elbo_dp_schedule(const TrainedModel& run, int K, at::Generator& gen, double budget_seconds,
                                  ElboDpPlan* used) {
  const int T = run.noise.T();
  if (K < 1 || K > T) throw std::invalid_argument("K must be in [1, T]");
  const ElboDpPlan plan = elbo_dp_plan(run, K, budget_seconds);
  const std::vector<int> levels = error_levels(T, plan.levels);
  if (used) *used = {int(levels.size()), plan.examples};
  const std::vector<double> errors =
      interpolate_levels(levels, denoising_errors_at(run, levels, plan.examples, gen), T);
  return optimal_paths(elbo_pair_costs(run.noise, errors, run.config.sigma0), K).schedules.back();
}

}  // namespace eddpm
