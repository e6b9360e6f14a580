#pragma once
// The live view's one redraw timer. Plots take new data at once and ask to be redrawn; the
// scheduler redraws every plot that asked, together, at most once per kIntervalMs, so a burst of
// data (a replayed run, a fast snapshot stream) costs one redraw and the last data always shows.
// GUI thread only: plots register from it and are redrawn on it.
#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QTimer>
#include <QVector>

namespace eddpm::widgets {

class LivePlot;

class RedrawScheduler : public QObject {
  Q_OBJECT
 public:
  // A few redraws a second is what a reader follows, and what the worker sends (one snapshot at
  // most every 200 ms).
  static constexpr int kIntervalMs = 200;

  explicit RedrawScheduler(QObject* parent = nullptr);

  // `plot` is redrawn at the next tick: now if the last was kIntervalMs ago, else at its end.
  void request(LivePlot* plot);
  // Every plot that asked is redrawn now (a run ended, a replay was loaded).
  void redrawNow();

 signals:
  void redrawn();

 private:
  QTimer timer_;
  QElapsedTimer sinceRedraw_;
  QVector<QPointer<LivePlot>> stale_;
};

}  // namespace eddpm::widgets
