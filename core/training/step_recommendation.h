#pragma once
// Which K steps to use with a model and a solver (`eddpm recommend`, the explorer's Find steps):
// every handcrafted family, the field's searches and EDDPM's own mask search (the model frozen, the
// rollout reward that targets the measure) each propose steps; all are then scored on noise and
// data none of them searched on, several times over, and the best on the measure wins. Each
// candidate's failure (a search that cannot run on this model) is a row with its reason, not the
// end of the recommendation.
#include <atomic>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "solver_kind.h"
#include "trained_model.h"

namespace eddpm {

struct RecommendSettings {
  Solver solver;
  int K = 10;
  // fd (FD-LeNet, MNIST), crps (time series), swd (points), fidelity (to the full chain); empty:
  // the model's own check (check_name).
  std::string measure;
  double budget_minutes = 0.0;   // for ELBO-DP and the searches together; 0: each to its own end
  int64_t n = 0;                 // samples per score (0: 2,000 points, 500 images, 16 imputations)
  int repeats = 3;               // held-out draws per candidate: quality is their mean, spread their SD
  uint64_t seed = 0;             // of the searches; the held-out draws use seeds 1000 + seed + r
  int64_t eddpm_iters = 400;     // iterations of EDDPM's mask search (stopped early by the budget)
  std::filesystem::path checkpoint;      // the model's checkpoint: EDDPM's search starts from it
  std::string checkpoint_sha256;         // names the teacher cache entry
  std::filesystem::path teacher_cache;   // empty: none
  std::filesystem::path work_dir;        // where EDDPM's mask search keeps its run folder
};

struct CandidateRow {
  std::string candidate;  // as --kind names it, or "eddpm"
  std::string kind;       // family, search or learned
  std::vector<int> timesteps;
  double quality = 0.0;   // held out, lower is better
  double spread = 0.0;    // SD over the held-out draws
  int64_t nfe = 0;
  double search_seconds = 0.0;
  std::string error;      // why it has no steps; empty when it ran
};

struct Recommendation {
  std::string measure;
  std::string winner;
  std::vector<CandidateRow> rows;
};

struct RecommendHooks {
  const std::atomic<bool>* cancel = nullptr;
  // A candidate's progress: its name, fraction in [0, 1] and what it is doing ("scoring" last).
  std::function<void(const std::string& candidate, double fraction, const std::string& note)> on_progress;
};

// The candidates a recommendation runs, in order.
std::vector<std::string> recommendation_candidates();

// The measure a recommendation uses on `run` when none is named.
std::string default_measure(const TrainedModel& run);

// Throws std::invalid_argument for a measure the model has no meaning for (fd off MNIST, crps off
// time series, swd on series) or K out of range; Cancelled when hooks.cancel is set.
Recommendation recommend_steps(const TrainedModel& run, const RecommendSettings& settings,
                               const RecommendHooks& hooks = {});

// {"winner", "measure", "rows": [{"candidate", "kind", "timesteps", "quality", "spread", "nfe",
// "search_seconds"[, "error"]}]}
nlohmann::json to_json(const Recommendation& recommendation);

}  // namespace eddpm
