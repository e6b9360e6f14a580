#include "time_series_plot.h"

#include <cmath>

namespace eddpm::widgets {

TimeSeriesPlot::TimeSeriesPlot(const QVector<SeriesSpec>& series, const QString& leftLabel, const QString& rightLabel,
                               QWidget* parent)
    : LivePlot(parent) {
  xAxis->setLabel(tr("iteration"));
  yAxis->setLabel(leftLabel);
  if (!rightLabel.isEmpty()) {
    yAxis2->setVisible(true);
    yAxis2->setLabel(rightLabel);
  }
  for (const SeriesSpec& spec : series) {
    QCPGraph* g = addGraph(xAxis, spec.rightAxis ? yAxis2 : yAxis);
    g->setName(spec.name);
    QPen pen(spec.color, 1.5);
    if (spec.dashed) pen.setStyle(Qt::DashLine);
    g->setPen(pen);
  }
  legend->setVisible(true);
  setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
  connect(this, &QCustomPlot::mouseWheel, this, [this] { autoFit_ = false; });
  connect(this, &QCustomPlot::mousePress, this, [this] { autoFit_ = false; });
  connect(this, &QCustomPlot::mouseDoubleClick, this, [this] {
    fitToData();
    replot(rpQueuedReplot);
  });
}

void TimeSeriesPlot::fitToData() {
  autoFit_ = true;
  rescaleAxes();
  // A little room around the data, so the first, last and extreme points are not cut by the frame.
  for (QCPAxis* axis : {yAxis, yAxis2}) axis->scaleRange(1.1);
  xAxis->scaleRange(1.04);
}

void TimeSeriesPlot::append(double iteration, const QVector<double>& values) {
  for (int i = 0; i < values.size() && i < graphCount(); ++i)
    if (std::isfinite(values[i])) appendBounded(graph(i), iteration, values[i]);
  requestRedraw();
}

void TimeSeriesPlot::redraw() {
  if (autoFit_) fitToData();
  replot(rpQueuedReplot);
}

void TimeSeriesPlot::clear() {
  for (int i = 0; i < graphCount(); ++i) graph(i)->data()->clear();
  autoFit_ = true;
  replot(rpQueuedReplot);
}

double TimeSeriesPlot::lastValue(int series) const {
  const auto data = graph(series)->data();
  return data->isEmpty() ? std::nan("") : (data->constEnd() - 1)->value;
}

}  // namespace eddpm::widgets
