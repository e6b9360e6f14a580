#pragma once
// The engine side of the Sample & compare page, behind a header without LibTorch. Threading
// contract: one instance is used by one thread at a time (the page runs each job on a thread of
// its own and starts no second job while one runs); results are plain values. Only the cancel
// flag is shared: set from any thread, it stops sample() and sweep() with eddpm::Cancelled.
#include <atomic>
#include <memory>

#include <QString>
#include <QVector>

#include "plot_data.h"

namespace eddpm::explorer {

struct ScheduleRequest {
  QString kind;          // learned, manual, uniform, ..., elbo-dp, or "file"
  int K = 10;
  QVector<int> manual;   // for "manual"
  QString file;          // for "file": a schedule JSON
};

struct SampleOutcome {
  widgets::ScheduleView schedule;
  QVector<double> points;  // interleaved (x, y)
  double swd = 0.0, mmd = 0.0, fidelity = 0.0, fidelitySwd = 0.0, seconds = 0.0;
  QString error;           // set when this schedule could not be built or sampled
};

struct SweepPoint {
  QString kind;
  int K = 0;
  double swd = 0.0;
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
  QVector<double> halfLogSnr() const;

  widgets::ScheduleView schedule(const ScheduleRequest& request, QString* error);
  // Every request sampled from the same starting noise; quality against fresh data and against the
  // full chain from that noise.
  QVector<SampleOutcome> sample(const QVector<ScheduleRequest>& requests, int n, double eta, quint64 seed);
  QVector<double> referencePoints(int n, quint64 seed);
  // Quality against K for each kind.
  QVector<SweepPoint> sweep(const QStringList& kinds, const QVector<int>& Ks, int n, quint64 seed);

  // JSON (core format) or CSV by extension; atomic.
  bool saveSchedule(const widgets::ScheduleView& schedule, const QString& path, QString* error);
  // PNG (with the parameters text chunk) or CSV by extension; atomic.
  bool savePoints(const SampleOutcome& outcome, double eta, quint64 seed, const QString& path, QString* error);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  const std::atomic<bool>* cancel_ = nullptr;
};

}  // namespace eddpm::explorer
