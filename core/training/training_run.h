#pragma once
// Drives a trainer to its last iteration and writes the run folder:
//   checkpoint.pt, metrics.jsonl, mask_history.csv, schedule_learned.json.
// Threading: run_training() runs on the caller's thread; callbacks are called on that thread.
#include <atomic>
#include <filesystem>
#include <functional>
#include <stdexcept>

#include "eddpm_trainer.h"
#include "metrics_row.h"
#include "run_folder.h"
#include "settle_target.h"

namespace eddpm {

// The loss became NaN or infinite: the run stopped and its checkpoint is the last good one.
struct NonFiniteLoss : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TrainingProgress {
  int64_t iteration = 0;
  int64_t total = 0;
  double its_per_s = 0.0;
  double eta_seconds = 0.0;
  int threads = 0;  // CPU threads the steps run on now, where they adapt (adaptive_cpu_threads.h); else 0
};

struct RunCallbacks {
  std::function<void(const TrainSnapshot&, const TrainingProgress&)> on_snapshot;
  // Called before every iteration: the place to apply changes made from other threads.
  std::function<void()> before_iteration;
  const std::atomic<bool>* stop = nullptr;   // set from any thread: stops after the current iteration
  const std::atomic<bool>* pause = nullptr;  // set from any thread: waits between iterations while true
  // Called when the run, at the ramp's end, has measured its candidates and chosen what the mask
  // settles toward (settle_target.h; also written to the run folder's settle_choice.json).
  std::function<void(const SettleChoice&)> on_settle_choice;
  // Told after each candidate that measurement has measured (minutes in all for time series).
  MeasureProgress on_settle_progress;
  // Called once each time the run begins to wait on `pause`, with the iteration it holds at.
  std::function<void(int64_t iteration)> on_pause;
  double autosave_seconds = 300.0;           // checkpoint.pt is rewritten this often (0: only at the end)
  // On the CPU, run each step on all threads or on one, whichever runs faster now (another program
  // on the cores makes one thread faster). Off by default: the count can change the last bits of
  // sums, and a run meant to repeat another bit for bit must not depend on the machine's load.
  bool adapt_cpu_threads = false;
};

// Runs until the config's iteration count (or stop), choosing the settle target where the trainer
// wants one (a stop while it measures stops the run there), logging every config.log_every iterations and
// saving checkpoint.pt every autosave_seconds and at the end. A trainer past iteration 0 (loaded
// from the folder's checkpoint) resumes: the logs continue from its iteration, bit for bit on CPU
// (with adapt_cpu_threads off).
// A trainer at iteration 0 is a new run unless `mode` says resume (a run stopped before its first
// autosave); a new run into a folder that holds a run throws RunFolderInUse unless `mode` says
// overwrite.
TrainSnapshot run_training(EddpmTrainer& trainer, const std::filesystem::path& run_dir,
                           const RunCallbacks& callbacks = {}, RunFolderMode mode = RunFolderMode::new_run);

// The row metrics.jsonl logs for a snapshot (the explorer's live plots take the same row).
MetricsRow metrics_row_of(const TrainSnapshot& snap, const TrainingProgress& progress);

// The learned schedule of a trainer as it stands, in the schedule file format.
void save_learned_schedule(EddpmTrainer& trainer, const std::filesystem::path& path);

}  // namespace eddpm
