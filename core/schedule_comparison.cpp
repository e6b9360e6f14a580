#include "schedule_comparison.h"

#include <chrono>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "mask_semantics.h"
#include "rng.h"
#include "sample_metrics.h"
#include "sampler.h"
#include "schedule_factory.h"

namespace eddpm {

torch::Tensor sample_schedule(EddpmTrainer& run, const std::vector<int>& timesteps, int64_t n,
                              uint64_t seed, double eta) {
  at::Generator noise_gen = make_cpu_generator(seed);
  std::vector<int64_t> shape = run.model().sample_shape();
  shape.insert(shape.begin(), n);
  const torch::Tensor x_T = torch::randn(shape, noise_gen).to(run.device());
  at::Generator step_gen = make_generator(run.device(), seed + 1);
  const std::vector<double> levels = kept_levels(run.noise(), run.config().semantics, timesteps);
  SamplerOptions options;
  options.eta = eta;
  return sample_chain(run.model(), timesteps, levels, x_T, options, step_gen).cpu();
}

std::vector<ComparisonRow> compare_schedules(EddpmTrainer& run, const std::string& model_label,
                                             const std::vector<ScheduleKind>& kinds,
                                             const ComparisonSettings& settings) {
  using clock = std::chrono::steady_clock;
  at::Generator data_gen = make_cpu_generator(settings.seed + 1000003);
  const torch::Tensor real = run.data().sample(settings.n, data_gen);
  at::Generator schedule_gen = make_cpu_generator(settings.seed + 2000003);

  auto measure = [&](const std::string& name, const std::vector<int>& steps, const torch::Tensor* reference) {
    ComparisonRow row;
    row.model = model_label;
    row.schedule = name;
    row.timesteps = steps;
    const auto start = clock::now();
    const torch::Tensor samples = sample_schedule(run, steps, settings.n, settings.seed, settings.eta);
    row.seconds = std::chrono::duration<double>(clock::now() - start).count();
    row.swd = sliced_wasserstein(samples, real);
    row.mmd = mmd_rbf(samples, real);
    row.fidelity = reference ? paired_mean_squared(samples, *reference) : 0.0;
    return std::make_pair(row, samples);
  };

  std::vector<ComparisonRow> rows;
  // The floor every schedule is measured against: a second fresh draw of real data.
  ComparisonRow floor_row;
  floor_row.model = model_label;
  floor_row.schedule = "real";
  const torch::Tensor real_again = run.data().sample(settings.n, data_gen);
  floor_row.swd = sliced_wasserstein(real_again, real);
  floor_row.mmd = mmd_rbf(real_again, real);
  rows.push_back(floor_row);
  auto [full_row, full_samples] = measure("full", full_schedule(run.noise().T()), nullptr);
  rows.push_back(full_row);
  for (ScheduleKind kind : kinds) {
    if (kind == ScheduleKind::Learned && run.config().keep >= 1.0) continue;
    if (kind == ScheduleKind::Full) continue;
    const std::vector<int> steps = make_schedule(kind, settings.K, run, schedule_gen);
    rows.push_back(measure(to_string(kind), steps, &full_samples).first);
  }
  return rows;
}

nlohmann::json to_json(const ComparisonRow& row, const ComparisonSettings& settings) {
  return {{"model", row.model}, {"schedule", row.schedule}, {"K", row.timesteps.size()},
          {"timesteps", row.timesteps}, {"eta", settings.eta}, {"n", settings.n}, {"seed", settings.seed},
          {"quality", {{"swd", row.swd}, {"mmd", row.mmd}, {"fidelity", row.fidelity}}},
          {"seconds", row.seconds}};
}

}  // namespace eddpm
