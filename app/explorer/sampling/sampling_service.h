#pragma once
// The engine side of the Sample & compare page, behind a header without LibTorch. Threading
// contract: one instance is used by one thread at a time (the page runs each job on a thread of
// its own and starts no second job while one runs); results are plain values. Only the cancel
// flag is shared: set from any thread, it stops sample() and sweep() with eddpm::Cancelled.
#include <atomic>
#include <cstdint>
#include <memory>

#include <QImage>
#include <QString>
#include <QVector>

#include "plot_data.h"
#include "schedule_file.h"
#include "solver_kind.h"

namespace eddpm::explorer {

struct ScheduleRequest {
  QString kind;          // learned, manual, uniform, ..., elbo-dp, or "file"
  int K = 10;
  QVector<int> manual;   // for "manual"
  QString file;          // for "file": a schedule in any form eddpm schedule writes
  Solver solver;         // what it is sampled with
  QString manualText;    // for "manual" when it is not a list of timesteps: a pasted sigma line, JSON, ...
};

// Time-series models: CSDI's scores of the imputations at the hidden values (-1: not measured).
struct SeriesScores {
  double mae = -1.0, rmse = -1.0, crps = -1.0;
};

// Time-series models: the test windows every schedule imputes, in the data's units; every value
// array is flattened as (window, series, value): index() says where.
struct SeriesFrame {
  int windows = 0, series = 0, length = 0;
  QStringList seriesNames;
  QVector<QStringList> timeLabels;  // per window, one label per value
  QVector<double> observed;         // where the model saw the value, else NaN
  QVector<double> hidden;           // the true value where it was hidden from the model and scored, else NaN
  int index(int window, int seriesIndex, int value) const { return (window * series + seriesIndex) * length + value; }
  bool empty() const { return windows == 0; }
};

struct SampleOutcome {
  widgets::ScheduleView schedule;
  QVector<double> points;      // 2-D models: interleaved (x, y)
  QVector<QImage> images;      // image models: the first kShownImages samples
  QVector<QImage> difference;  // image models: |sample - full chain's| from the same noise, per image
  double swd = 0.0, mmd = 0.0, fidelity = 0.0, fidelitySwd = 0.0, seconds = 0.0;
  double fd = -1.0, fidelityFd = -1.0;  // FD-LeNet (MNIST models; -1 elsewhere)
  Solver solver;               // the request's
  qint64 nfe = 0;              // network evaluations of its chain
  QString error;               // set when this schedule could not be built or sampled
  // Time-series models: the imputations of the frame's windows (the data's units) and their scores.
  QVector<double> median, low, high;  // per value: the median and the 5% / 95% quantiles
  QVector<float> imputations;         // every one, (imputationCount, window, series, value)
  int imputationCount = 0;
  SeriesScores scores, scoresOriginal;  // standardized, and in the data's units
};

// Every ticked schedule sampled from the same noise, and what they are measured against.
struct SampleResults {
  QVector<SampleOutcome> outcomes;
  SampleOutcome floor;         // training data against the held-out data: the measures' floor at this n
  QVector<QImage> fullChain;   // image models: the full chain's first images from the same noise
  SeriesFrame series;          // time-series models: the windows imputed
  SampleOutcome full;          // time-series models: the full chain's imputations, the reference row
};

// One schedule's denoising path for one sample: its estimate of the clean image at each kept step.
struct PathStrip {
  QString schedule;
  QVector<int> timesteps;
  QVector<QImage> predictions;  // one per kept step, in sampling order
  QString error;
};

struct SweepPoint {
  QString kind;
  int K = 0;
  double value = 0.0;  // the sweep's measure (SamplingService::sweepMeasure)
};

// Work done of a job's total, in example-steps (network calls times their batch).
struct JobProgress {
  qint64 done = 0;
  qint64 total = 0;
};

class SamplingService {
 public:
  SamplingService();
  ~SamplingService();

  // Loads a checkpoint; on failure keeps the previous model and returns false with `error`.
  bool load(const QString& checkpoint, QString* error);
  // The flag sample() and sweep() watch (the page's BackgroundJob's); it outlives this service.
  void setCancelFlag(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  bool loaded() const;
  QString checkpoint() const;
  int T() const;
  QString dataName() const;
  bool imageModel() const;
  // A conditional model of time series: sample() imputes the test windows instead of drawing.
  bool seriesModel() const;
  // "FD-LeNet" where the model's data has a classifier (MNIST), else "SWD".
  QString sweepMeasure() const;
  QVector<double> halfLogSnr() const;
  // The running job's progress (any thread).
  JobProgress progress() const { return {done_.load(), total_.load()}; }

  widgets::ScheduleView schedule(const ScheduleRequest& request, QString* error);
  // Every request sampled with its solver from the same starting noise; quality against fresh data
  // and against the full chain of its solver from that noise (sampled once per solver). The
  // reference grid and the floor are the first request's solver's. Time-series models: `n`
  // imputations of every test window (10% of its observed values hidden, as `eddpm compare`), scored
  // by MAE, RMSE and CRPS, with the full chain's as `full` and no floor.
  SampleResults sample(const QVector<ScheduleRequest>& requests, int n, quint64 seed);
  QVector<double> referencePoints(int n, quint64 seed);
  // Image models: for sample `index` of the same draw sample() makes, each schedule's x0 estimate
  // at each of its kept steps.
  QVector<PathStrip> path(const QVector<ScheduleRequest>& requests, int index, int n, quint64 seed);
  // Quality against K for each kind (FD-LeNet on MNIST, else SWD).
  QVector<SweepPoint> sweep(const QStringList& kinds, const QVector<int>& Ks, int n, quint64 seed);

  // In `format` (docs/EXPORT.md), with the solver it is for and the checkpoint's SHA-256; atomic.
  bool saveSchedule(const widgets::ScheduleView& schedule, const Solver& solver, ScheduleFormat format,
                    const QString& path, QString* error);
  // 2-D: PNG (with the parameters text chunk) or CSV by extension; atomic.
  bool savePoints(const SampleOutcome& outcome, const Solver& solver, quint64 seed, const QString& path,
                  QString* error);
  // Time-series models: every imputation of `outcome` as CSV (window, series, time, state, value,
  // median, q05, q25, q75, q95; core/io/imputation_export.h), in the data's units; atomic.
  bool saveImputations(const SampleOutcome& outcome, const SeriesFrame& frame, const QString& path, QString* error);
  // Any picture of this model's samples as PNG with the parameters text chunk (schedule, solver,
  // NFE, seed, model); atomic.
  bool saveImage(const QImage& image, const widgets::ScheduleView& schedule, const Solver& solver, quint64 seed, int n,
                 const QString& path, QString* error);

  static constexpr int kShownImages = 64;

 private:
  // Each request's schedule (its error, if any, in `errors`), with the progress counter reset to a
  // job of n samples through all of them (their network calls under their solvers) and, with
  // `fullChains`, the full chain of each distinct solver.
  QVector<widgets::ScheduleView> startJob(const QVector<ScheduleRequest>& requests, int n, bool fullChains,
                                          QVector<QString>* errors);

  struct Impl;
  std::unique_ptr<Impl> impl_;
  const std::atomic<bool>* cancel_ = nullptr;
  std::atomic<int64_t> done_{0}, total_{0};
};

}  // namespace eddpm::explorer
