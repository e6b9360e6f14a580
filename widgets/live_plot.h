#pragma once
// Base of every plot in the explorer: a QCustomPlot tuned for live data (no antialiasing, fast
// polylines, queued replots so bursts of data cost one redraw) with bounded series and export.
// GUI thread only.
#include <qcustomplot.h>

namespace eddpm::widgets {

class LivePlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit LivePlot(QWidget* parent = nullptr);

  // Appends a point in key order; past `kMaxPoints` the series is thinned to every other point,
  // so a long run keeps its whole shape in bounded memory.
  static void appendBounded(QCPGraph* graph, double key, double value);
  static constexpr int kMaxPoints = 4000;

  // A queued replot, at most one per `minIntervalMs`: a request inside the interval is served at its
  // end, so the last data always shows. Plots whose data arrive faster than anyone reads them use it.
  void replotAtMostEvery(int minIntervalMs);

  // PNG or PDF by extension, written to a temporary name and renamed. Returns false with `error`.
  bool exportTo(const QString& path, QString* error = nullptr);

  // What "Fit all data" in the context menu does: every axis fitted to the data.
  virtual void fitToData() { rescaleAxes(); }

 signals:
  void exported(const QString& path);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  QTimer* deferredReplot_ = nullptr;
  QElapsedTimer sinceReplot_;
};

}  // namespace eddpm::widgets
