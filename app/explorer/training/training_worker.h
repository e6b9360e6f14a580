#pragma once
// Drives the engine for the explorer. Threading contract:
// - A TrainingWorker lives on its own QThread; run() executes there and blocks that thread until
//   the run ends. It owns the trainer: no other thread touches the model while it runs.
// - pause(), stop() and setLiveSettings() may be called from any thread (atomics); they take
//   effect before the next iteration.
// - Everything it reports leaves as plain values through signals emitted on the GUI thread (the
//   thread that created it), handed over in order by a ThreadHandoff: progress at most five times a
//   second whatever the iteration rate, and always the last state. Delete it on the GUI thread
//   after its QThread has finished.
#include <atomic>
#include <mutex>

#include <QObject>
#include <QString>

#include "run_folder.h"
#include "thread_handoff.h"
#include "plot_data.h"
#include "training_settings.h"

namespace eddpm {
class EddpmTrainer;
}

namespace eddpm::explorer {

class TrainingWorker : public QObject {
  Q_OBJECT
 public:
  // Snapshots reach the window at most this often (and the last one always): the rate a reader
  // follows, and what the window's one redraw timer (widgets/redraw_scheduler.h) draws at.
  static constexpr int kMinSnapshotIntervalMs = 200;

  using QObject::QObject;

  // Once per process, before any training: LibTorch's CPU threads to every core.
  static void prepareEngine();

  void pause(bool paused) { pause_ = paused; }
  void stop() { stop_ = true; }
  void setLiveSettings(double lr_s, int steps_kept);
  // Runs `task` on the worker's thread after everything posted before it. Any thread.
  void post(std::function<void()> task) { inbox_->post(std::move(task)); }

 public slots:
  void run(const eddpm::widgets::TrainingSettings& settings);
  // Continues the run in `runDir` from its checkpoint to max(its total, `totalIters`), with these
  // learning rates (e.g. lower ones after the loss diverged).
  void resume(const QString& runDir, qint64 totalIters, double lr, double lr_s, const QString& device = "auto");

 signals:
  // `run`: the settings the run trains with (a resumed run's own, with the learning rates and
  // length it was resumed with), its folder in runDir.
  void started(const QString& device, const eddpm::widgets::TrainingSettings& run);
  void progress(const eddpm::widgets::TrainingPoint& point);
  void maskFrame(const eddpm::widgets::MaskFrame& frame);
  void quality(const eddpm::widgets::QualityPoint& point);
  // Image runs, at each quality point: a few samples of the learned and uniform schedules.
  void imagePreview(const eddpm::widgets::ImagePreview& preview);
  // Something the user should know that does not stop the run (the FD classifier being trained).
  void note(const QString& text);
  // The run ended and its files are written; `completed` is false after Stop.
  // The run holds at `iteration` until resumed or stopped (after pause(true)).
  void paused(qint64 iteration);
  // A completed run's learned steps against the handcrafted ones on fresh noise (schedule_verdict.h),
  // just before finished(); also in the run folder's verdict.json.
  void verdict(const QString& summary, bool learnedWins);
  // The run ended at `iteration` (the checkpoint's): completed, or stopped.
  void finished(const QString& runDir, bool completed, qint64 iteration);
  void failed(const QString& message);

 private:
  template <typename MakeTrainer>
  void drive(const QString& runDir, RunFolderMode mode, MakeTrainer makeTrainer);
  void toGui(std::function<void()> task) { toGui_.post(std::move(task)); }
  void reportSnapshot(const widgets::TrainingPoint& point, const widgets::MaskFrame& frame);
  // Judges the learned steps (Stop cancels it), writes verdict.json and emits verdict().
  void reportVerdict(EddpmTrainer& trainer, const QString& runDir);

  // A child, so it moves with the worker to its thread.
  ThreadHandoff* inbox_ = new ThreadHandoff(this);
  // Not a child: it stays on the GUI thread when the worker moves to its own.
  ThreadHandoff toGui_;
  std::atomic<bool> pause_{false};
  std::atomic<bool> stop_{false};
  std::mutex liveMutex_;
  bool liveChanged_ = false;
  struct {  // the settings table's live rows, as the window last sent them
    double lr_s = 0.0;
    int steps_kept = 0;
  } live_;
};

}  // namespace eddpm::explorer
