#include "schedule_comparison.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "rng.h"
#include "schedule_factory.h"

namespace eddpm {

std::vector<ComparisonRow> compare_schedules(EddpmTrainer& run, const std::string& model_label,
                                             const std::vector<ScheduleKind>& kinds,
                                             const ComparisonSettings& settings) {
  ScheduleMeter meter(run, settings.n, settings.seed, settings.eta);
  at::Generator schedule_gen = make_cpu_generator(settings.seed + 2000003);
  auto row_of = [&](const std::string& name, const std::vector<int>& steps, const ScheduleMeasure& m) {
    return ComparisonRow{model_label, name, steps, m.swd, m.mmd, m.fidelity, m.seconds};
  };
  std::vector<ComparisonRow> rows;
  rows.push_back(row_of("real", {}, meter.real_floor()));
  const std::vector<int> full = full_schedule(run.noise().T());
  rows.push_back(row_of("full", full, meter.measure(full)));
  for (ScheduleKind kind : kinds) {
    if (kind == ScheduleKind::Learned && run.config().keep >= 1.0) continue;
    if (kind == ScheduleKind::Full) continue;
    const std::vector<int> steps = make_schedule(kind, settings.K, run, schedule_gen);
    rows.push_back(row_of(to_string(kind), steps, meter.measure(steps)));
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
