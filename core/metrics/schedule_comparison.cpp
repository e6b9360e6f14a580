#include "schedule_comparison.h"

#include <algorithm>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "rng.h"
#include "schedule_factory.h"

namespace eddpm {

int steps_for(const Solver& solver, const ComparisonSettings& settings) {
  return settings.nfe > 0 ? static_cast<int>(solver.steps_for_nfe(settings.nfe)) : settings.K;
}

std::vector<Solver> solvers_in_use(const std::vector<ScheduleChoice>& choices, const ComparisonSettings& settings) {
  std::vector<Solver> solvers = settings.solvers;
  for (const ScheduleChoice& choice : choices)
    for (const Solver& solver : choice.solvers)
      if (std::find(solvers.begin(), solvers.end(), solver) == solvers.end()) solvers.push_back(solver);
  return solvers;
}

std::vector<ComparisonRow> compare_schedules(const TrainedModel& run, const std::string& model_label,
                                             const std::vector<ScheduleKind>& kinds,
                                             const ComparisonSettings& settings, const FdLenet::Log& log) {
  std::vector<ScheduleChoice> choices;
  for (ScheduleKind kind : kinds) choices.push_back({kind, {}});
  return compare_schedules(run, model_label, choices, settings, log);
}

std::vector<ComparisonRow> compare_schedules(const TrainedModel& run, const std::string& model_label,
                                             const std::vector<ScheduleChoice>& choices,
                                             const ComparisonSettings& settings, const FdLenet::Log& log) {
  std::vector<ComparisonRow> rows;
  const std::vector<int> full = full_schedule(run.noise.T());
  const std::vector<Solver> solvers = solvers_in_use(choices, settings);
  for (size_t i = 0; i < solvers.size(); ++i) {
    const Solver& solver = solvers[i];
    ScheduleMeter meter(run, settings.n, settings.seed, solver, log);
    auto row_of = [&](const std::string& name, const std::vector<int>& steps, const ScheduleMeasure& m,
                      std::optional<Solver> by) {
      const int64_t keep = std::min(settings.keep_samples, m.samples.size(0));
      ComparisonRow row{model_label, name, steps, by, by ? by->nfe(int64_t(steps.size())) : 0, m.swd, m.mmd, m.fd,
                        m.fidelity, m.fidelity_swd, m.fidelity_fd, m.seconds,
                        keep > 0 ? m.samples.slice(0, 0, keep) : torch::Tensor()};
      row.imputation = m.imputation;
      row.imputation_original = m.imputation_original;
      return row;
    };
    if (i == 0 && meter.has_real_floor()) rows.push_back(row_of("real", {}, meter.real_floor(), std::nullopt));
    rows.push_back(row_of("full", full, meter.measure(full), solver));
    const int K = steps_for(solver, settings);
    for (const ScheduleChoice& choice : choices) {
      const ScheduleKind kind = choice.kind;
      const bool sampled_here = choice.solvers.empty()
                                    ? std::find(settings.solvers.begin(), settings.solvers.end(), solver) != settings.solvers.end()
                                    : std::find(choice.solvers.begin(), choice.solvers.end(), solver) != choice.solvers.end();
      if (!sampled_here) continue;
      if (kind == ScheduleKind::Learned && run.config.keep >= 1.0) continue;
      if (kind == ScheduleKind::Full) continue;
      // A stochastic kind (elbo-dp's error estimate) draws the same steps under every solver.
      at::Generator schedule_gen = make_cpu_generator(settings.seed + 2000003);
      const std::vector<int> steps = make_schedule(kind, K, run, schedule_gen);
      rows.push_back(row_of(to_string(kind), steps, meter.measure(steps), solver));
    }
  }
  return rows;
}

namespace {
// FD-LeNet entries only where there is a classifier (MNIST). Time series: CSDI's scores, in
// standardized units and with "_orig" in the data's.
nlohmann::json quality_json(const ComparisonRow& row) {
  if (row.imputation) {
    const ImputationScores& z = *row.imputation;
    const ImputationScores& o = *row.imputation_original;
    return {{"mae", z.mae}, {"rmse", z.rmse}, {"crps", z.crps}, {"crps_per_point", z.crps_per_point},
            {"mae_orig", o.mae}, {"rmse_orig", o.rmse}, {"crps_orig", o.crps},
            {"crps_per_point_orig", o.crps_per_point}, {"fidelity", row.fidelity}};
  }
  nlohmann::json q = {{"swd", row.swd}, {"mmd", row.mmd}, {"fidelity", row.fidelity},
                      {"fidelity_swd", row.fidelity_swd}};
  if (row.fd >= 0) q["fd_lenet"] = row.fd;
  if (row.fidelity_fd >= 0) q["fidelity_fd"] = row.fidelity_fd;
  return q;
}
}  // namespace

nlohmann::json to_json(const ComparisonRow& row, const ComparisonSettings& settings) {
  nlohmann::json j = {{"model", row.model}, {"schedule", row.schedule}, {"K", row.timesteps.size()},
                      {"timesteps", row.timesteps}, {"n", settings.n}, {"seed", settings.seed},
                      {"quality", quality_json(row)}, {"seconds", row.seconds}};
  if (row.solver) {
    j["solver"] = row.solver->name();
    j["eta"] = row.solver->eta;
    j["nfe"] = row.nfe;
  }
  return j;
}

}  // namespace eddpm
