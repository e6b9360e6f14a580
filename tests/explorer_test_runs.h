#pragma once
// Runs for the explorer's GUI tests, made by the engine alone (no window), so that no test depends
// on another's leftovers.
#include <torch/torch.h>

#include <atomic>

#include <QDir>
#include <QString>

#include "checkpoint.h"
#include "settings_conversion.h"
#include "training_run.h"
#include "training_settings.h"

namespace eddpm::test {

// A 2-D run small enough for a test: T 50, quadratic betas, 5 steps kept, CPU.
inline widgets::TrainingSettings quick_run(const QString& dir, qint64 iters) {
  widgets::TrainingSettings s;
  s.T = 50;
  s.beta = "quadratic";
  s.stepsKept = 5;
  s.iters = iters;
  s.warmup = iters / 5;
  s.rampEnd = iters * 4 / 5;
  s.batch = 64;
  s.device = "cpu";
  s.runDir = dir;
  return s;
}

// The quick run's folder, trained to its end or stopped by the stop flag at `stopAt`.
inline void train_run(const QString& dir, qint64 iters, int64_t stopAt = -1) {
  EddpmTrainer trainer(explorer::to_train_config(quick_run(dir, iters)), torch::kCPU);
  std::atomic<bool> stop{false};
  RunCallbacks callbacks;
  callbacks.stop = &stop;
  callbacks.before_iteration = [&] { stop = trainer.iteration() + 1 == stopAt; };  // after this iteration
  run_training(trainer, dir.toStdString(), callbacks);
}

inline int64_t checkpoint_iteration(const QString& runDir) {
  return load_checkpoint(QDir(runDir).filePath("checkpoint.pt").toStdString(), "cpu")->iteration();
}

}  // namespace eddpm::test
