#pragma once
// What the mask settles toward (ours, beyond the paper; TrainConfig::settle_to best-measured).
// Up to the ramp's end the score-function steps explore; then the run commits. Committing to s's
// own top K trusts a noisy reward: on base schedules with large final betas and for a frozen
// model's data reward, that top K sampled worse than uniform steps (docs/FINDINGS.md).
// So at the ramp's end the run samples its candidates on noise and held-out data of their own
// (not the verdict's) with the check the live quality plot uses, and settles toward the best:
// the mask's top K first, then draws of K steps from the mask, then every handcrafted family at
// K. The mask's own candidates win ties; a handcrafted family wins only by measuring better. Only
// sets of K distinct steps that keep a pinned last step qualify (a family with repeated steps at
// this K, or one that starts below T - 1 under pin_last, is left out).
// The model trains on while s settles, and a family's steps (ELBO-DP's) follow the model, so the
// run measures again at EddpmTrainer::settle_recheck_iteration(): the target it settles toward
// against every family recomputed, on other noise; the target stays unless a family measures better.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "eddpm_trainer.h"
#include "schedule_meter.h"

namespace eddpm {

struct SettleCandidate {
  std::string kind;            // "learned", "draw 1", ..., a handcrafted family's name, or "proposal 1", ...
  std::vector<int> timesteps;  // descending 0-based
  double value = 0.0;          // the check's measure (lower is better)
};

struct SettleChoice {
  std::string measure;  // "SWD" or "FD-LeNet"
  bool recheck = false;  // candidates: the run's target (first) and the families, no draws
  int64_t iteration = 0;
  int64_t n = 0;
  uint64_t seed = 0;
  std::vector<SettleCandidate> candidates;
  size_t chosen = 0;  // index into candidates

  const SettleCandidate& best() const { return candidates.at(chosen); }
  // "Settling toward uniform (SWD 0.0612); the mask's top 10: 0.0830; 17 candidates measured",
  // "Rechecked: settling toward karras (SWD 0.0510) instead of uniform (0.0577); 8 candidates measured".
  std::string summary() const;
};

// The seed of the candidates' starting noise: apart from the verdict's and the training streams.
// The recheck draws from settle_seed + 1.
uint64_t settle_seed(uint64_t training_seed);

// Draws of K steps from the mask: `count` distinct sets, each the K largest of log s + Gumbel
// noise (K steps drawn without replacement in proportion to s), the pinned last step always kept.
std::vector<std::vector<int>> draw_step_sets(const std::vector<double>& s, int K, bool pin_last, int count,
                                             uint64_t seed);

// Measures every candidate on `run` as it stands (n = 0: the config's check_samples()) and returns
// them with the best one chosen; the caller hands it to run.set_settle_target. A run that has a
// target already gets the recheck, its target named `target_kind` (what the first choice chose).
// Throws Cancelled once `cancel` is set.
// `on_progress` hears after each candidate measured.
SettleChoice choose_settle_target(EddpmTrainer& run, int64_t n = 0, const std::atomic<bool>* cancel = nullptr,
                                  const std::string& target_kind = "the target", const MeasureProgress& on_progress = {});

nlohmann::json to_json(const SettleChoice& choice);

}  // namespace eddpm
