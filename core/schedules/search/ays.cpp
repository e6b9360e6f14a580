#include "ays.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <stdexcept>

#include <torch/torch.h>

#include "handcrafted_schedules.h"
#include "rng.h"
#include "teacher.h"

namespace eddpm {

std::vector<std::vector<double>> ays_interval_costs(const SearchTask& task, const std::vector<int>& grid,
                                                    const AysSettings& settings, const SearchHooks& hooks) {
  torch::NoGradGuard no_grad;
  const TrainedModel& run = task.run;
  EpsModel& model = *run.model;
  const bool was_training = model.is_training();
  model.eval();
  at::Generator gen = make_cpu_generator(settings.seed + 1);  // the paths' noise; the examples took seed
  const int G = int(grid.size());
  std::vector<double> sigma(G);
  for (int g = 0; g < G; ++g) sigma[g] = run.noise.sigma(grid[g]);
  const auto index = torch::TensorOptions().dtype(torch::kLong).device(run.device);
  // The clean estimate D at level g of points y_g = x0 + sigma_g eps (variance exploding), as a
  // float64 CPU tensor.
  const auto denoise = [&](const torch::Tensor& y, int g) {
    const double a = run.noise.alpha_bar(grid[g]);
    const torch::Tensor x = (std::sqrt(a) * y).to(run.device, torch::kFloat32);
    const torch::Tensor t = torch::full({y.size(0)}, grid[g], index);
    torch::Tensor d = ((x - std::sqrt(1.0 - a) * model.forward(x, t)) / std::sqrt(a)).cpu().to(torch::kFloat64);
    if (run.data->is_image()) d = d.clamp(-1.0, 1.0);
    return d;
  };
  // For each kept level hi: a path of the forward process through every lower grid level k, the
  // point at hi reached from the one at k by the Brownian increment (so D at hi is what a sampler
  // holding it over the interval would use), and the integrand |D_k - D_hi|^2 / sigma_k^3.
  std::vector<std::vector<double>> klub(G, std::vector<double>(G, 0.0));
  const torch::Tensor x0 = task.examples.to(torch::kFloat64);
  for (int hi = 1; hi < G; ++hi) {
    std::vector<double> integrand(hi + 1, 0.0);
    for (int k = 0; k < hi; ++k) {
      check_cancel(hooks.cancel);
      const torch::Tensor y_k = x0 + sigma[k] * torch::randn(x0.sizes(), gen, torch::kFloat64);
      const torch::Tensor y_hi =
          y_k + std::sqrt(sigma[hi] * sigma[hi] - sigma[k] * sigma[k]) * torch::randn(x0.sizes(), gen, torch::kFloat64);
      integrand[k] = counted_difference(denoise(y_k, k), denoise(y_hi, hi), task.weight).pow(2).sum(1).mean().item<double>() /
                     std::pow(sigma[k], 3);
    }
    double total = 0.0;
    for (int lo = hi - 1; lo >= 0; --lo) {
      total += 0.5 * (integrand[lo] + integrand[lo + 1]) * (sigma[lo + 1] - sigma[lo]);
      klub[hi][lo] = total;
    }
    hooks.report(0.9 * double(hi) * (hi + 1) / (double(G) * (G - 1)),
                 "ays: KLUB of " + std::to_string(hi) + " of " + std::to_string(G - 1) + " levels");
  }
  model.train(was_training);
  return klub;
}

AysPlan ays_plan(const SearchTask& task, int K, const AysSettings& settings, const SearchHooks& hooks) {
  AysPlan plan{settings.grid_points, settings.samples};
  if (hooks.budget_seconds <= 0) return plan;
  // Time one network batch of the task's examples; the estimate costs G (G - 1) of them.
  torch::NoGradGuard no_grad;
  const TrainedModel& run = task.run;
  const torch::Tensor x = task.examples.to(run.device);
  const torch::Tensor t = torch::full({x.size(0)}, run.noise.T() / 2,
                                      torch::TensorOptions().dtype(torch::kLong).device(run.device));
  const auto start = std::chrono::steady_clock::now();
  run.model->forward(x, t).cpu();
  const double per_batch = std::max(1e-6, seconds_since(start));
  const double share = 0.8 * hooks.budget_seconds;
  plan.grid_points = std::clamp(int(std::sqrt(share / per_batch)), std::min(K + 1, settings.grid_points), settings.grid_points);
  // A batch costs about its size: fewer examples where even the smallest grid overruns.
  const int G = std::min(plan.grid_points, run.noise.T());
  const double per_example = per_batch / double(x.size(0));
  const auto fits = int64_t(share / (per_example * double(G) * double(std::max(1, G - 1))));
  plan.samples = std::clamp<int64_t>(fits, std::min<int64_t>(16, settings.samples), settings.samples);
  return plan;
}

std::vector<int> ays_schedule(const TrainedModel& run, int K, const AysSettings& settings, const SearchHooks& hooks,
                              AysPlan* used) {
  const auto start = std::chrono::steady_clock::now();
  const int T = run.noise.T();
  SearchTask task = search_task(run, settings.samples, settings.seed);
  AysPlan plan = ays_plan(task, K, settings, hooks);
  if (plan.samples < task.examples.size(0)) task = search_task(run, plan.samples, settings.seed);
  std::vector<int> grid = teacher_grid(T, plan.grid_points);
  std::reverse(grid.begin(), grid.end());  // ascending: index 0 is timestep 0
  const int G = int(grid.size());
  plan.grid_points = G;
  if (used) *used = plan;
  if (K < 1 || K > G) throw std::invalid_argument("ays: K must be in [1, " + std::to_string(G) + "]");
  const auto klub = ays_interval_costs(task, grid, settings, hooks);
  // pos[0] = G - 1 (T - 1) > pos[1] > ... > pos[K-1] >= 0; the chain's measured end is grid index 0.
  const auto nearest = [&](int t) {
    return int(std::min_element(grid.begin(), grid.end(), [t](int a, int b) { return std::abs(a - t) < std::abs(b - t); }) -
               grid.begin());
  };
  std::vector<int> pos;
  for (int t : handcrafted_schedule(ScheduleKind::Karras, K, run.noise)) {
    const int p = nearest(t);
    if (pos.empty() || p < pos.back()) pos.push_back(p);
  }
  pos[0] = G - 1;
  if (int(pos.size()) != K) {  // Karras crowded on the grid: start evenly spread instead
    pos.clear();
    for (int k = 0; k < K; ++k) pos.push_back(int(std::nearbyint((G - 1) * (1.0 - double(k) / K))));
  }
  const auto interval = [&](int hi, int lo) { return hi > lo ? klub[hi][lo] : 0.0; };
  for (int sweep = 0; sweep < settings.max_sweeps; ++sweep) {
    bool moved = false;
    for (int k = 1; k < K; ++k) {
      check_cancel(hooks.cancel);
      const int above = pos[k - 1];
      const int below = k + 1 < K ? pos[k + 1] : -1;
      int best = pos[k];
      double best_cost = std::numeric_limits<double>::infinity();
      for (int p = below + 1; p < above; ++p) {
        const double c = interval(above, p) + interval(p, k + 1 < K ? below : 0);
        if (c < best_cost - 1e-15 * std::abs(c)) best_cost = c, best = p;
      }
      if (best != pos[k]) pos[k] = best, moved = true;
    }
    hooks.report(0.9 + 0.1 * (sweep + 1) / settings.max_sweeps, "ays: coordinate sweep " + std::to_string(sweep + 1));
    if (!moved) break;
    if (hooks.budget_seconds > 0 && seconds_since(start) > hooks.budget_seconds) break;
  }
  hooks.report(1.0, "ays: done");
  std::vector<int> steps;
  for (int p : pos) steps.push_back(grid[p]);
  return steps;
}

}  // namespace eddpm
