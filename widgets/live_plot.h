#pragma once
// Base of every plot in the explorer: a QCustomPlot tuned for live data (no antialiasing, fast
// polylines, redraws coalesced by a RedrawScheduler) with bounded series and export.
// GUI thread only.
#include <QPointer>

#include <qcustomplot.h>

#include "redraw_scheduler.h"

namespace eddpm::widgets {

class LivePlot : public QCustomPlot {
  Q_OBJECT
 public:
  explicit LivePlot(QWidget* parent = nullptr);

  // Appends a point in key order; past `kMaxPoints` the series is thinned to every other point,
  // so a long run keeps its whole shape in bounded memory.
  static void appendBounded(QCPGraph* graph, double key, double value);
  static constexpr int kMaxPoints = 4000;

  // Live plots redraw when `scheduler` says (redraw_scheduler.h); without one, at once.
  void setRedrawScheduler(RedrawScheduler* scheduler) { scheduler_ = scheduler; }
  // Data changed: redraw now or at the scheduler's next tick.
  void requestRedraw();
  // Brings the drawing up to the data and replots (queued). Plots that prepare their drawing
  // lazily (the heatmap's cells, a time series' fitted axes) do it here, once per redraw.
  virtual void redraw() { replot(rpQueuedReplot); }

  // PNG or PDF by extension, written to a temporary name and renamed. Returns false with `error`.
  bool exportTo(const QString& path, QString* error = nullptr);

  // What "Fit all data" in the context menu does: every axis fitted to the data.
  virtual void fitToData() { rescaleAxes(); }

 signals:
  void exported(const QString& path);

 protected:
  void contextMenuEvent(QContextMenuEvent* event) override;

 private:
  QPointer<RedrawScheduler> scheduler_;
};

}  // namespace eddpm::widgets
