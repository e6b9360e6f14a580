#pragma once
// Several named series against iteration, each on the left or the right value axis: the sparsity,
// loss and quality views are configurations of this one plot.
#include "live_plot.h"

namespace eddpm::widgets {

struct SeriesSpec {
  QString name;
  QColor color;
  bool rightAxis = false;
  bool dashed = false;
};

class TimeSeriesPlot : public LivePlot {
  Q_OBJECT
 public:
  TimeSeriesPlot(const QVector<SeriesSpec>& series, const QString& leftLabel, const QString& rightLabel = {},
                 QWidget* parent = nullptr);

  // One value per series, in the order given to the constructor; NaN leaves a series unchanged.
  void append(double iteration, const QVector<double>& values);
  void clear();
  int pointCount(int series) const { return graph(series)->data()->size(); }
  double lastValue(int series) const;

  // Keep the value axes fitted to the data as it grows (on by default; off after the user zooms).
  void setAutoFit(bool on) { autoFit_ = on; }

  // Fits with a margin around the data and follows it again as it grows (double click, or "Fit all
  // data" in the context menu).
  void fitToData() override;
  void redraw() override;

 private:
  bool autoFit_ = true;
};

}  // namespace eddpm::widgets
