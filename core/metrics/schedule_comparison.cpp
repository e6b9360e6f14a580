#include "schedule_comparison.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "rng.h"
#include "schedule_factory.h"

namespace eddpm {

std::vector<ComparisonRow> compare_schedules(const TrainedModel& run, const std::string& model_label,
                                             const std::vector<ScheduleKind>& kinds,
                                             const ComparisonSettings& settings, const FdLenet::Log& log) {
  ScheduleMeter meter(run, settings.n, settings.seed, settings.eta, log);
  at::Generator schedule_gen = make_cpu_generator(settings.seed + 2000003);
  auto row_of = [&](const std::string& name, const std::vector<int>& steps, const ScheduleMeasure& m) {
    const int64_t keep = std::min(settings.keep_samples, m.samples.size(0));
    return ComparisonRow{model_label, name, steps, m.swd, m.mmd, m.fd, m.fidelity, m.fidelity_swd, m.fidelity_fd,
                         m.seconds, keep > 0 ? m.samples.slice(0, 0, keep) : torch::Tensor()};
  };
  std::vector<ComparisonRow> rows;
  rows.push_back(row_of("real", {}, meter.real_floor()));
  const std::vector<int> full = full_schedule(run.noise.T());
  rows.push_back(row_of("full", full, meter.measure(full)));
  for (ScheduleKind kind : kinds) {
    if (kind == ScheduleKind::Learned && run.config.keep >= 1.0) continue;
    if (kind == ScheduleKind::Full) continue;
    const std::vector<int> steps = make_schedule(kind, settings.K, run, schedule_gen);
    rows.push_back(row_of(to_string(kind), steps, meter.measure(steps)));
  }
  return rows;
}

namespace {
// FD-LeNet entries only where there is a classifier (MNIST).
nlohmann::json quality_json(const ComparisonRow& row) {
  nlohmann::json q = {{"swd", row.swd}, {"mmd", row.mmd}, {"fidelity", row.fidelity},
                      {"fidelity_swd", row.fidelity_swd}};
  if (row.fd >= 0) q["fd_lenet"] = row.fd;
  if (row.fidelity_fd >= 0) q["fidelity_fd"] = row.fidelity_fd;
  return q;
}
}  // namespace

nlohmann::json to_json(const ComparisonRow& row, const ComparisonSettings& settings) {
  return {{"model", row.model}, {"schedule", row.schedule}, {"K", row.timesteps.size()},
          {"timesteps", row.timesteps}, {"eta", settings.eta}, {"n", settings.n}, {"seed", settings.seed},
          {"quality", quality_json(row)},
          {"seconds", row.seconds}};
}

}  // namespace eddpm
