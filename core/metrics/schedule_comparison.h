#pragma once
// Sampling several schedules from one model on the same starting noise and measuring each
// against fresh data and against the full chain (spec sections 7-9).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "trained_model.h"
#include "handcrafted_schedules.h"
#include "schedule_meter.h"
#include "solver_kind.h"

namespace eddpm {

struct ComparisonSettings {
  int K = 10;
  // Where solvers differ in calls per step: every solver gets the most steps that fit this many
  // network evaluations instead of K (0: K steps each).
  int64_t nfe = 0;
  int64_t n = 4000;
  uint64_t seed = 0;
  std::vector<Solver> solvers = {Solver{}};  // each makes its own rows, "full" included
  int64_t keep_samples = 0;  // samples each row keeps for pictures
};

struct ComparisonRow {
  std::string model;
  std::string schedule;
  std::vector<int> timesteps;
  std::optional<Solver> solver;  // none for the "real" row
  int64_t nfe = 0;               // network evaluations of the chain
  double swd = 0.0;       // sliced Wasserstein-2 to fresh data
  double mmd = 0.0;       // RBF MMD^2 to fresh data
  double fd = -1.0;       // FD-LeNet to held-out digits (MNIST only; -1 elsewhere)
  double fidelity = 0.0;  // mean squared distance per dim to the full chain from the same noise
  double fidelity_swd = 0.0;  // SWD between the set and the full chain's set
  double fidelity_fd = -1.0;  // FD-LeNet between the two sets (MNIST only)
  double seconds = 0.0;   // sampling time
  torch::Tensor samples;  // the first samples, for pictures (up to ComparisonSettings::keep_samples)
  // Time series: the imputations' scores (standardized and the data's units); swd, mmd are -1.
  std::optional<ImputationScores> imputation, imputation_original;
};

// A schedule kind and the solvers it alone is sampled with (empty: every solver of the settings).
struct ScheduleChoice {
  ScheduleKind kind = ScheduleKind::Uniform;
  std::vector<Solver> solvers;
};

// settings.solvers, then each choice's own solvers not among them: the solvers that get a full chain.
std::vector<Solver> solvers_in_use(const std::vector<ScheduleChoice>& choices, const ComparisonSettings& settings);

// A "real" row first (training data against the held-out data: the noise floor of the measures at
// this n; not for time series, whose n is imputations per test window), then for each solver in use the full chain ("full") and each kind sampled with it, all
// from the same noise. "learned" is skipped for a model that was trained without a budget
// (keep = 1): it has no learned steps. `log` hears about slow one-time work (training FD-LeNet).
std::vector<ComparisonRow> compare_schedules(const TrainedModel& run, const std::string& model_label,
                                             const std::vector<ScheduleChoice>& choices,
                                             const ComparisonSettings& settings, const FdLenet::Log& log = {});
// Every kind with every solver of the settings.
std::vector<ComparisonRow> compare_schedules(const TrainedModel& run, const std::string& model_label,
                                             const std::vector<ScheduleKind>& kinds,
                                             const ComparisonSettings& settings, const FdLenet::Log& log = {});

// The steps each solver gets: settings.K, or what fits settings.nfe.
int steps_for(const Solver& solver, const ComparisonSettings& settings);

nlohmann::json to_json(const ComparisonRow& row, const ComparisonSettings& settings);

}  // namespace eddpm
