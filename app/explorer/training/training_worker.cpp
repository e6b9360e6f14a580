// Torch before Qt: Qt's `slots` macro must not be defined while LibTorch headers are read.
#include "adaptive_cpu_threads.h"
#include "training_checkpoint.h"
#include "compute_device.h"
#include "heap_tuning.h"
#include "handcrafted_schedules.h"
#include "quality_budget.h"
#include "sampler.h"
#include "schedule_meter.h"
#include "schedule_verdict.h"
#include "training_run.h"

#include "training_worker.h"

#include <QDir>
#include <QElapsedTimer>

#include <cmath>

#include "run_replay.h"
#include "settings_conversion.h"
#include "tensor_images.h"

namespace eddpm::explorer {

namespace {
constexpr int64_t kPreviewImages = 16;

// A measurement's note with how far it is: "… 5 of 22 schedules, about 1:10 left". The time left
// is read from the schedules after the first (`clock` starts at the first): before it the
// measurement prepares its candidates (ELBO-DP's errors: most of a minute on time series).
QString progressNote(const QString& text, QElapsedTimer& clock, int done, int total) {
  if (done <= 1 || !clock.isValid()) {
    clock.start();
    return QObject::tr("%1 %2 of %3 schedules").arg(text).arg(done).arg(total);
  }
  const qint64 left = qint64(clock.elapsed() / 1000.0 * (total - done) / (done - 1) + 0.5);
  return QObject::tr("%1 %2 of %3 schedules, about %4:%5 left")
      .arg(text).arg(done).arg(total).arg(left / 60).arg(left % 60, 2, 10, QChar('0'));
}
constexpr int64_t kProbeSamples = 256;  // per schedule at each quality point

widgets::TrainingPoint to_point(const TrainSnapshot& s, const TrainingProgress& p) {
  widgets::TrainingPoint point = explorer::to_point(metrics_row_of(s, p));
  point.total = p.total;
  point.etaSeconds = p.eta_seconds;
  return point;
}

widgets::MaskFrame to_frame(const TrainSnapshot& s) {
  widgets::MaskFrame frame;
  frame.iteration = s.iteration;
  frame.s = QVector<double>(s.s.begin(), s.s.end());
  frame.learned = QVector<int>(s.learned.begin(), s.learned.end());
  return frame;
}
}  // namespace

void TrainingWorker::prepareEngine() {
  use_all_cpu_cores();
  keep_freed_memory_mapped();
}

void TrainingWorker::setLiveSettings(double lr_s, int steps_kept) {
  std::lock_guard<std::mutex> lock(liveMutex_);
  liveChanged_ = true;
  live_.lr_s = lr_s;
  live_.steps_kept = steps_kept;
}

void TrainingWorker::run(const widgets::TrainingSettings& settings) {
  drive(QDir(settings.runDir).absolutePath(), RunFolderMode::new_run, [&settings] {
    const TrainConfig config = to_train_config(settings);
    auto trainer = std::make_unique<EddpmTrainer>(config, resolve_device(config.device));
    if (!settings.fromCheckpoint.isEmpty() && config.model != "torchscript")
      copy_model_weights(settings.fromCheckpoint.toStdString(), *trainer);
    return trainer;
  });
}

void TrainingWorker::resume(const QString& runDir, qint64 totalIters, double lr, double lr_s, const QString& device) {
  drive(QDir(runDir).absolutePath(), RunFolderMode::resume, [&runDir, totalIters, lr, lr_s, &device] {
    auto trainer = resume_training(QDir(runDir).filePath("checkpoint.pt").toStdString(), device.toStdString());
    const int64_t total = std::max<int64_t>(trainer->config().iters, totalIters);
    if (total <= trainer->iteration())
      throw std::invalid_argument("the run already ended at iteration " + std::to_string(trainer->iteration()) +
                                  ": raise Iterations to continue past it");
    trainer->set_total_iters(total);
    trainer->set_model_learning_rate(lr);
    trainer->set_mask_learning_rate(lr_s);
    return trainer;
  });
}

void TrainingWorker::reportVerdict(EddpmTrainer& trainer, const QString& runDir) {
  const QString text = tr("Measuring the learned steps against the handcrafted ones on fresh noise…");
  toGui([this, text] { emit note(text); });
  QElapsedTimer clock;
  try {
    const ScheduleVerdict v = judge_learned_schedule(trainer.trained(), 0, &stop_, [&](int done, int total) {
      toGui([this, note = progressNote(text, clock, done, total)] { emit this->note(note); });
    });
    save_verdict(v, QDir(runDir).filePath("verdict.json").toStdString());
    toGui([this, summary = QString::fromStdString(v.summary()), wins = v.learned_wins()] { emit verdict(summary, wins); });
  } catch (const Cancelled&) {
    // Stopped while measuring: the run itself is complete and saved.
  }
}

void TrainingWorker::reportSnapshot(const widgets::TrainingPoint& point, const widgets::MaskFrame& frame) {
  toGui([this, point, frame] {
    emit progress(point);
    emit maskFrame(frame);
  });
}

template <typename MakeTrainer>
void TrainingWorker::drive(const QString& runDir, RunFolderMode mode, MakeTrainer makeTrainer) {
  stop_ = false;
  pause_ = false;
  try {
    const std::unique_ptr<EddpmTrainer> owned = makeTrainer();
    EddpmTrainer& trainer = *owned;
    const TrainConfig& config = trainer.config();
    toGui([this, device = QString::fromStdString(describe_device(trainer.device())),
           run = from_train_config(config, runDir)] { emit started(device, run); });

    // MNIST runs are measured by FD-LeNet, whose classifier is trained once (about a minute) and cached.
    // Time series: imputations per test window (the weather's 8 windows make 8 of them 64 chains).
    const int64_t probe_samples = trainer.data().is_series() ? 8 : kProbeSamples;
    ScheduleMeter probe(trainer.trained(), probe_samples, 7, Solver{config.solver}, [this](const std::string& line) {
      toGui([this, text = QString::fromStdString(line)] { emit note(text); });
    });
    const QString measure = QString::fromStdString(check_name(trainer.trained()));
    const bool images = trainer.data().is_image();
    // About 20 quality points per run, the full chain every 8th; all of it within 1% of the run's
    // time (a point that would exceed it waits for a later snapshot; the last is always measured).
    // On two cores a 2-D point costs ~25 ms: a 20-second run gets 8 points, a run of a minute 20.
    // 3% measurably slowed training (docs/BENCHMARKS.md, item 5: the explorer against the CLI).
    const int64_t quality_every = std::max<int64_t>(config.log_every, config.iters / 20 / config.log_every * config.log_every);
    double full_value = std::nan("");
    int measurements = 0;
    bool fullDue = true;
    int64_t nextQualityAt = 0;
    QualityBudget budget(0.01);
    QElapsedTimer runClock, measuring;
    runClock.start();
    QElapsedTimer sinceEmit;
    sinceEmit.start();
    widgets::TrainingPoint lastPoint;
    widgets::MaskFrame lastFrame;
    bool lastEmitted = true;
    RunCallbacks callbacks;
    callbacks.stop = &stop_;
    callbacks.pause = &pause_;
    callbacks.adapt_cpu_threads = !cpu_threads_pinned();
    callbacks.on_pause = [this](int64_t iteration) { toGui([this, iteration] { emit paused(iteration); }); };
    // What the settle measurement's notes say, and its clock (for the "left" estimate).
    QString measuringText;
    QElapsedTimer measuringClock;
    callbacks.on_settle_progress = [&](int done, int total) {
      toGui([this, note = progressNote(measuringText, measuringClock, done, total)] { emit this->note(note); });
    };
    callbacks.on_settle_choice = [this](const SettleChoice& choice) {
      toGui([this, text = QString::fromStdString(choice.summary())] { emit note(text); });
    };
    callbacks.before_iteration = [&] {
      {
        std::lock_guard<std::mutex> lock(liveMutex_);
        if (liveChanged_) {
          liveChanged_ = false;
          trainer.set_mask_learning_rate(live_.lr_s);
          trainer.set_steps_kept(std::clamp(live_.steps_kept, 1, trainer.noise().T()));
        }
      }
      if (trainer.wants_settle_target()) {  // run_training measures the candidates next: seconds on images
        const QString text = trainer.settle_target().empty()
                                 ? tr("Ramp ended: measuring what the mask should settle toward…")
                                 : tr("Measuring again what the mask settles toward, on the model as it is now…");
        toGui([this, text] { emit note(text); });
        measuringText = text;
      }
    };
    callbacks.on_snapshot = [&](const TrainSnapshot& snap, const TrainingProgress& p) {
      const bool last = snap.iteration == p.total;
      const int k = trainer.config().steps_kept();
      const int64_t steps = int64_t(snap.learned.size()) + k;
      // An image model's first check costs seconds: it waits for its share like the later ones, its
      // cost guessed from the training rate (a sampling step is a forward pass, about a third of a
      // training iteration's forward and backward, over kProbeSamples images instead of a batch).
      if (images && p.its_per_s > 0)
        budget.setPrior(1e9 / p.its_per_s / 3.0 * double(kProbeSamples) / double(trainer.config().batch));
      if ((snap.iteration >= nextQualityAt || last) && (budget.allows(steps, runClock.nsecsElapsed()) || last)) {
        nextQualityAt = (snap.iteration / quality_every + 1) * quality_every;
        if (measurements++ % 8 == 0) fullDue = true;
        measuring.start();
        const ScheduleMeter::Check learned = probe.check(snap.learned);
        const ScheduleMeter::Check uniform = probe.check(handcrafted_schedule(ScheduleKind::Uniform, k, trainer.noise()));
        budget.spent(steps, measuring.nsecsElapsed());
        if (images)
          toGui([this, preview = widgets::ImagePreview{snap.iteration, k, to_qimages(learned.samples, kPreviewImages),
                                                       to_qimages(uniform.samples, kPreviewImages)}] {
            emit imagePreview(preview);
          });
        const int T = trainer.noise().T();
        // The full chain is the reference line: a 2-D run that could not afford it gets it at its end
        // (tens of milliseconds). An image run gets it only within the budget: its full chain samples
        // T times 256 images (a minute on two cores for MNIST at 14x14), more than a short run's 1%.
        const bool forceFull = last && std::isnan(full_value) && !images;
        if (fullDue && (budget.allows(T, runClock.nsecsElapsed()) || forceFull)) {
          measuring.start();
          full_value = probe.check(full_schedule(T)).value;
          budget.spent(T, measuring.nsecsElapsed());
          fullDue = false;
        }
        toGui([this, point = widgets::QualityPoint{snap.iteration, learned.value, uniform.value, full_value, measure}] {
          emit quality(point);
        });
      }
      lastPoint = to_point(snap, p);
      lastFrame = to_frame(snap);
      lastEmitted = false;
      if (sinceEmit.elapsed() < kMinSnapshotIntervalMs && snap.iteration != p.total) return;
      sinceEmit.restart();
      reportSnapshot(lastPoint, lastFrame);
      lastEmitted = true;
    };
    run_training(trainer, runDir.toStdString(), callbacks, mode);
    if (!lastEmitted) reportSnapshot(lastPoint, lastFrame);
    if (!stop_.load() && trainer.iteration() >= trainer.config().iters && has_schedule_to_judge(trainer.trained()))
      reportVerdict(trainer, runDir);
    toGui([this, runDir, completed = !stop_.load(), iteration = qint64(trainer.iteration())] {
      emit finished(runDir, completed, iteration);
    });
  } catch (const std::exception& e) {
    QString message = QString::fromStdString(e.what());
    message = message.left(message.indexOf('\n') < 0 ? message.size() : message.indexOf('\n'));
    toGui([this, message] { emit failed(message); });
  }
}

}  // namespace eddpm::explorer
