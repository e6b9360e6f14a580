#include "training_run.h"

#include <chrono>
#include <cmath>
#include <fstream>
#include <iomanip>
#include <limits>
#include <optional>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include "adaptive_cpu_threads.h"
#include "atomic_file.h"
#include "training_checkpoint.h"
#include "sampler.h"
#include "schedule_file.h"

namespace eddpm {

namespace fs = std::filesystem;

namespace {
class RunLogs {
 public:
  // A run resumed (append) at `resume_from` first drops the rows logged after that iteration by the
  // interrupted process, so the logs read as if it had never stopped.
  RunLogs(const fs::path& dir, bool append, int64_t resume_from, int T)
      : metrics_path_(dir / "metrics.jsonl"), history_path_(dir / "mask_history.csv") {
    if (append) {
      constexpr int64_t kDamaged = std::numeric_limits<int64_t>::max();  // dropped with the rows after the checkpoint
      trim_after(metrics_path_, resume_from, [](const std::string& line) {
        const std::optional<MetricsRow> row = parse_metrics_row(line);
        return row ? row->iteration : kDamaged;
      });
      trim_after(history_path_, resume_from, [](const std::string& line) {
        if (line.rfind("iteration", 0) == 0) return int64_t(-1);  // the header stays
        try {
          return int64_t(std::stoll(line.substr(0, line.find(','))));
        } catch (const std::exception&) {
          return kDamaged;
        }
      });
    }
    const auto mode = append ? std::ios::app : std::ios::trunc;
    metrics_.open(metrics_path_, std::ios::out | mode);
    history_.open(history_path_, std::ios::out | mode);
    if (!metrics_ || !history_) throw std::runtime_error("cannot write logs in " + dir.string());
    if (!append) {
      history_ << "iteration";
      for (int t = 0; t < T; ++t) history_ << ",s" << t;
      history_ << '\n';
    }
    history_ << std::setprecision(6);
  }

  template <typename IterationOf>
  static void trim_after(const fs::path& path, int64_t last, IterationOf iteration_of) {
    if (!fs::exists(path)) return;
    std::ifstream in(path);
    std::string kept, line;
    while (std::getline(in, line))
      if (!line.empty() && iteration_of(line) <= last) kept += line + '\n';
    write_text_atomically(path, kept);
  }

  void write(const TrainSnapshot& snap, const TrainingProgress& progress) {
    metrics_ << to_json(metrics_row_of(snap, progress)).dump() << '\n';
    metrics_.flush();
    history_ << snap.iteration;
    for (double s : snap.s) history_ << ',' << s;
    history_ << '\n';
    history_.flush();
  }

  // The rows written so far reach the disk (each row is flushed to the system as it is written).
  void sync() {
    sync_file(metrics_path_);
    sync_file(history_path_);
  }

 private:
  fs::path metrics_path_, history_path_;
  std::ofstream metrics_, history_;
};

// What the first settle choice chose ("learned", "uniform", ...), for the recheck's sentences; a
// run whose settle_choice.json is gone or damaged names it "the target".
std::string settled_kind(const fs::path& choice_file) {
  std::ifstream in(choice_file);
  const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
  return j.is_object() && j.contains("chosen") && j["chosen"].is_string() ? j["chosen"].get<std::string>()
                                                                          : std::string("the target");
}
}  // namespace

MetricsRow metrics_row_of(const TrainSnapshot& snap, const TrainingProgress& progress) {
  MetricsRow row;
  row.iteration = snap.iteration;
  row.loss = snap.loss;
  row.reward = snap.reward;
  row.baseline = snap.baseline;
  row.gamma = snap.gamma;
  row.budget = snap.budget;
  row.sum_s = snap.stats.sum;
  row.kept_over_half = snap.stats.kept_over_half;
  row.uncertainty = snap.stats.uncertainty;
  row.concentration = snap.stats.concentration;
  row.deterministic = snap.stats.deterministic;
  row.terminal_level = snap.terminal_level;
  row.its_per_s = progress.its_per_s;
  row.threads = progress.threads;
  return row;
}

void save_learned_schedule(EddpmTrainer& trainer, const fs::path& path) {
  const TrainSnapshot snap = trainer.take_snapshot();
  ScheduleFile file = make_schedule_file(trainer.noise(), trainer.config().semantics, snap.learned, "learned");
  file.metrics = {{"iteration", snap.iteration}, {"sum_s", snap.stats.sum},
                  {"kept_over_half", snap.stats.kept_over_half}, {"uncertainty", snap.stats.uncertainty},
                  {"concentration", snap.stats.concentration}, {"deterministic", snap.stats.deterministic},
                  {"terminal_level", snap.terminal_level}};
  save_schedule_json(file, path);
}

TrainSnapshot run_training(EddpmTrainer& trainer, const fs::path& run_dir, const RunCallbacks& callbacks,
                           RunFolderMode mode) {
  const bool resuming = mode == RunFolderMode::resume || trainer.iteration() > 0;
  // Data-parallel ranks train alike; rank 0 alone writes the run folder.
  const bool writes = trainer.rank() == 0;
  std::optional<RunLogs> logs;
  if (writes) {
    if (!resuming) check_run_folder(run_dir, mode);
    fs::create_directories(run_dir);
    // The replaced run's schedule must not pass for this run's before this run writes its own.
    if (!resuming) fs::remove(run_dir / "schedule_learned.json");
    fs::remove(run_dir / "verdict.json");  // judged a mask that is about to change
    if (!resuming) {
      fs::remove(run_dir / "settle_choice.json");
      fs::remove(run_dir / "settle_recheck.json");
    }
    remove_stale_temporaries(run_dir);  // left by a process killed while it saved
    logs.emplace(run_dir, resuming, trainer.iteration(), trainer.noise().T());
  }
  const int64_t total = trainer.config().iters;
  const int64_t log_every = trainer.config().log_every;
  using clock = std::chrono::steady_clock;
  auto started_at = clock::now();
  const int64_t first = trainer.iteration();
  auto window_start = started_at;
  auto saved_at = started_at;
  // The logs are synced before each checkpoint, so a checkpoint never outlives the rows before it.
  auto checkpoint = [&] {
    if (!writes) return;
    logs->sync();
    save_checkpoint(trainer, run_dir / "checkpoint.pt");
  };
  // A new run starts with a checkpoint of its own, so "the last good checkpoint" is always this run's.
  if (trainer.iteration() == 0) checkpoint();
  int64_t saved_iteration = trainer.iteration();
  int64_t window_first = first;
  TrainSnapshot last;
  // Ranks stop together: a stop asked of any of them (Ctrl+C reaches them all, not at once) ends
  // every rank after the same iteration, and none waits forever in a collective.
  const bool distributed = trainer.group().distributed();
  auto stopped = [&] {
    const bool asked = callbacks.stop && callbacks.stop->load();
    return distributed ? trainer.group().any(asked) : asked;
  };
  AdaptiveCpuThreads threads(callbacks.adapt_cpu_threads, trainer.device());
  while (trainer.iteration() < total) {
    if (!distributed && callbacks.pause && callbacks.pause->load()) {
      const auto paused_at = clock::now();
      if (callbacks.on_pause) callbacks.on_pause(trainer.iteration());
      while (callbacks.pause->load() && !stopped()) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      const auto paused_for = clock::now() - paused_at;  // a pause is not training time
      window_start += paused_for;
      started_at += paused_for;
    }
    if (stopped()) break;
    if (callbacks.before_iteration) callbacks.before_iteration();
    if (trainer.wants_settle_target()) {
      SettleChoice choice;
      try {
        // Sampling thousands of candidates' points runs best on every thread, whatever training chose.
        threads.run_on_all([&] {
          // Ranks cannot stop one by one inside the measurement: theirs runs to its end.
          choice = choose_settle_target(trainer, 0, distributed ? nullptr : callbacks.stop,
                                        settled_kind(run_dir / "settle_choice.json"), callbacks.on_settle_progress);
        });
      } catch (const Cancelled&) {
        break;
      }
      trainer.set_settle_target(choice.best().timesteps);
      const char* file = choice.recheck ? "settle_recheck.json" : "settle_choice.json";
      if (writes) write_text_atomically(run_dir / file, to_json(choice).dump(2) + "\n");
      if (callbacks.on_settle_choice) callbacks.on_settle_choice(choice);
    }
    threads.run([&] { trainer.step(); });
    const int64_t i = trainer.iteration();
    if (i % log_every != 0 && i != total) continue;
    const auto now = clock::now();
    const double window = std::chrono::duration<double>(now - window_start).count();
    const double elapsed = std::chrono::duration<double>(now - started_at).count();
    TrainingProgress progress{i, total, window > 0 ? (i - window_first) / window : 0.0, 0.0, threads.threads()};
    const double overall = elapsed > 0 ? (i - first) / elapsed : 0.0;
    progress.eta_seconds = overall > 0 ? (total - i) / overall : 0.0;
    window_start = now;
    window_first = i;
    last = trainer.take_snapshot();
    if (!std::isfinite(last.loss))
      throw NonFiniteLoss("loss became " + std::to_string(last.loss) + " by iteration " + std::to_string(i) +
                          "; training stopped. The last good checkpoint (iteration " + std::to_string(saved_iteration) +
                          ") is kept: resume it with a lower learning rate");
    if (writes) logs->write(last, progress);
    if (callbacks.autosave_seconds > 0 &&
        std::chrono::duration<double>(now - saved_at).count() >= callbacks.autosave_seconds) {
      checkpoint();
      saved_at = now;
      saved_iteration = i;
    }
    if (callbacks.on_snapshot) callbacks.on_snapshot(last, progress);
  }
  checkpoint();
  if (writes)
    save_learned_schedule(trainer, run_dir / "schedule_learned.json");
  else
    trainer.take_snapshot();  // the one save_learned_schedule takes on rank 0: its loss is averaged
  return last;
}

}  // namespace eddpm
