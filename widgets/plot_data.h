#pragma once
// Plain values the views draw. Widgets know nothing of LibTorch: the explorer's worker converts
// the engine's snapshots into these and hands them to the GUI thread by its ThreadHandoff.
#include <QImage>
#include <QMetaType>
#include <QString>
#include <QVector>

namespace eddpm::widgets {

// One logged training iteration (spec sections 4-6).
struct TrainingPoint {
  qint64 iteration = 0;
  qint64 total = 0;
  double loss = 0.0;
  double reward = 0.0;
  double baseline = 0.0;
  double budget = 0.0;  // K_e
  double sumS = 0.0;
  int keptOverHalf = 0;
  double uncertainty = 0.0;
  double concentration = 0.0;
  double terminalLevel = 0.0;
  double itsPerSecond = 0.0;
  double etaSeconds = 0.0;
  int threads = 0;  // CPU threads training runs on now where it adapts them (1: the cores are busy); 0 otherwise
};

// The mask probabilities s (0-based timestep order) and the learned top-K steps (descending).
struct MaskFrame {
  qint64 iteration = 0;
  QVector<double> s;
  QVector<int> learned;
};

// Sample quality measured during training: the learned schedule and uniform at the same K on the
// same model, and the full chain as reference. Lower is better.
struct QualityPoint {
  qint64 iteration = 0;
  double learned = 0.0;
  double uniform = 0.0;
  double full = 0.0;
  QString measure = "SWD";  // what the values are: "SWD" (to held-out data) or "FD-LeNet" (MNIST)
};

// A few images sampled at a quality point from the same fixed noise each time, by the learned
// schedule and by uniform at the same K: the user sees digits sharpen as the mask converges.
struct ImagePreview {
  qint64 iteration = 0;
  int K = 0;
  QVector<QImage> learned;
  QVector<QImage> uniform;
};

// A schedule to draw on a strip or a log-SNR plot.
struct ScheduleView {
  QString name;
  QVector<int> timesteps;   // descending, 0-based
  QVector<double> logSnr;   // 0.5 * log SNR of each step
  QString note;             // how it was read, e.g. how far pasted sigmas moved onto timesteps
};

}  // namespace eddpm::widgets

Q_DECLARE_METATYPE(eddpm::widgets::TrainingPoint)
Q_DECLARE_METATYPE(eddpm::widgets::MaskFrame)
Q_DECLARE_METATYPE(eddpm::widgets::QualityPoint)
Q_DECLARE_METATYPE(eddpm::widgets::ImagePreview)
