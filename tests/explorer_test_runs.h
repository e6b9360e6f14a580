#pragma once
// Runs for the explorer's GUI tests, made by the engine alone (no window), so that no test depends
// on another's leftovers.
#include <torch/torch.h>

#include <atomic>
#include <cmath>

#include <QDate>
#include <QDir>
#include <QFile>
#include <QTextStream>
#include <QImage>
#include <QString>

#include "checkpoint.h"
#include "settings_conversion.h"
#include "training_run.h"
#include "training_settings.h"

namespace eddpm::test {

// A 2-D run small enough for a test: T 50, quadratic betas, 5 steps kept, CPU.
inline widgets::TrainingSettings quick_run(const QString& dir, qint64 iters) {
  widgets::TrainingSettings s;
  TrainConfig& c = s.config;
  c.beta.T = 50;
  c.beta.kind = BetaKind::Quadratic;
  c.keep = 5.0 / 50;
  c.iters = iters;
  c.warmup = iters / 5;
  c.ramp_end = iters * 4 / 5;
  c.batch = 64;
  c.device = "cpu";
  c.check_n = 2000;  // settling and the verdict are tested, not their precision: 16,000 points cost minutes
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

// A folder of `count` 8x8 PNG pictures (a bright square on a dark ground, in a place that varies),
// for image runs that need no MNIST.
inline QString image_folder(const QString& dir, int count) {
  QDir().mkpath(dir);
  for (int i = 0; i < count; ++i) {
    QImage image(8, 8, QImage::Format_RGB32);
    image.fill(QColor(20, 20, 20));
    for (int y = 0; y < 3; ++y)
      for (int x = 0; x < 3; ++x) image.setPixel(1 + i % 5 + x, 1 + (i / 5) % 5 + y, qRgb(230, 230, 230));
    image.save(QDir(dir).filePath(QString("%1.png").arg(i)));
  }
  return dir;
}

// An image run small enough for a test: the tiny U-Net at 8x8 gray, T 20, 4 steps kept, CPU.
inline widgets::TrainingSettings quick_image_run(const QString& dir, const QString& data, qint64 iters) {
  widgets::TrainingSettings s = quick_run(dir, iters);
  TrainConfig& c = s.config;
  c.data = data.toStdString();
  c.size = 8;
  c.channels = 1;
  c.model = "tiny";
  c.beta.T = 20;
  c.keep = 4.0 / 20;
  c.batch = 16;
  c.check_n = 200;  // images per check: the default 1,000 cost a minute here
  return s;
}

inline void train_image_run(const QString& dir, const QString& data, qint64 iters) {
  EddpmTrainer trainer(explorer::to_train_config(quick_image_run(dir, data, iters)), torch::kCPU);
  run_training(trainer, dir.toStdString());
}

// Two sines over 240 rows with a date column, every 7th value of the first one missing: a CSV a
// time-series run reads (4 test windows of 12).
inline QString sine_csv(const QString& path) {
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly | QIODevice::Text)) return {};
  QTextStream out(&file);
  out << "date,a,b\n";
  const QDate first(2020, 1, 1);
  for (int r = 0; r < 240; ++r) {
    out << first.addDays(r).toString(Qt::ISODate) << ',';
    if (r % 7 != 3) out << std::sin(2.0 * M_PI * r / 12.0);
    out << ',' << 2.0 + 3.0 * std::cos(2.0 * M_PI * r / 8.0 + 1.0) << '\n';
  }
  return path;
}

// A time-series run small enough for a test: the CSDI network on a CSV, windows of 12, T 20
// (CSDI's quadratic betas), 4 steps kept, 4 imputations a test window in its checks.
inline widgets::TrainingSettings quick_series_run(const QString& dir, const QString& csv, qint64 iters) {
  widgets::TrainingSettings s = quick_run(dir, iters);
  TrainConfig& c = s.config;
  c.data = "csv:" + csv.toStdString();
  c.window = 12;
  c.model = "csdi";
  c.beta = BetaSpec{BetaKind::Quadratic, 20, 1e-4, 0.5};
  c.keep = 4.0 / 20;
  c.batch = 16;
  c.check_n = 4;
  return s;
}

inline void train_series_run(const QString& dir, const QString& csv, qint64 iters) {
  EddpmTrainer trainer(explorer::to_train_config(quick_series_run(dir, csv, iters)), torch::kCPU);
  run_training(trainer, dir.toStdString());
}

inline int64_t checkpoint_iteration(const QString& runDir) {
  return load_checkpoint(QDir(runDir).filePath("checkpoint.pt").toStdString(), "cpu").iteration;
}

}  // namespace eddpm::test
