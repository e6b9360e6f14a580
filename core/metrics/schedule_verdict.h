#pragma once
// The guard a run ends with: is the learned schedule better than what a user would
// otherwise pick? It is measured against every handcrafted family at the same K, on starting noise
// the run never drew, with the check the live quality plot uses (FD-LeNet on MNIST, else SWD;
// lower is better), and said plainly: which wins, by how much, and what to use instead.
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "schedule_meter.h"
#include "trained_model.h"

namespace eddpm {

struct ScheduleScore {
  std::string kind;            // "learned", "uniform", ... (handcrafted_schedules.h names)
  std::vector<int> timesteps;  // descending
  double value = 0.0;          // the check's measure
};

struct ScheduleVerdict {
  std::string measure;  // "SWD" or "FD-LeNet"
  int K = 0;
  int64_t n = 0;        // samples per schedule
  uint64_t seed = 0;    // of the starting noise: not one of the run's training streams
  ScheduleScore learned, uniform, best;  // best: the best handcrafted family (uniform included)
  std::vector<ScheduleScore> handcrafted;  // every family measured, in the order of to_string(ScheduleKind)
  // The family whose steps the learned ones are, where settling chose one (settle_target.h); else empty.
  std::string same_as;

  bool learned_wins() const { return learned.value <= best.value; }
  // One sentence for a status bar: "Learned 10 steps beat every handcrafted schedule: ..." or
  // "Learned 10 steps lose: ... use karras (999 ...) instead".
  std::string summary() const;
};

// The seed of the verdict's starting noise for a run trained with `training_seed`: far from the
// training streams (seed, seed + 1) and from the seeds users pass to compare and sample (0, 1, ...).
uint64_t verdict_seed(uint64_t training_seed);

// Whether a run has a schedule to judge: fewer steps kept than T (a full chain has nothing to choose).
bool has_schedule_to_judge(const TrainedModel& run);

// Samples the learned schedule and every handcrafted family at K = config steps_kept(), `n`
// samples each (0: the config's check_samples()). Throws Cancelled once `cancel` is set.
// `on_progress` hears after each schedule measured.
ScheduleVerdict judge_learned_schedule(const TrainedModel& run, int64_t n = 0, const std::atomic<bool>* cancel = nullptr,
                                       const MeasureProgress& on_progress = {});

nlohmann::json to_json(const ScheduleVerdict& verdict);
// Writes the verdict as JSON (to a temporary name, synced and renamed): a run folder's verdict.json.
void save_verdict(const ScheduleVerdict& verdict, const std::filesystem::path& path);

}  // namespace eddpm
