#include "mask_history_heatmap.h"

namespace eddpm::widgets {

MaskHistoryHeatmap::MaskHistoryHeatmap(QWidget* parent) : LivePlot(parent) {
  map_ = new QCPColorMap(xAxis, yAxis);
  map_->setInterpolate(false);
  map_->setTightBoundary(true);
  scale_ = new QCPColorScale(this);
  plotLayout()->addElement(0, 1, scale_);
  scale_->setType(QCPAxis::atRight);
  scale_->setLabel(tr("s_t"));
  map_->setColorScale(scale_);
  map_->setGradient(QCPColorGradient::gpThermal);
  map_->setDataRange(QCPRange(0.0, 1.0));
  xAxis->setLabel(tr("timestep t"));
  yAxis->setLabel(tr("iteration"));
  auto* margins = new QCPMarginGroup(this);
  axisRect()->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
  scale_->setMarginGroup(QCP::msBottom | QCP::msTop, margins);
}

void MaskHistoryHeatmap::addFrame(const MaskFrame& frame) {
  if (!rows_.isEmpty() && rows_.front().size() != frame.s.size()) clear();
  if (++skipped_ < stride_) return;
  skipped_ = 0;
  rows_.append(frame.s);
  iterations_.append(frame.iteration);
  if (rows_.size() > kMaxRows) {
    QVector<QVector<double>> halved;
    QVector<qint64> halvedIterations;
    for (int r = 0; r + 1 < rows_.size(); r += 2) {
      QVector<double> mean(rows_[r].size());
      for (int t = 0; t < mean.size(); ++t) mean[t] = 0.5 * (rows_[r][t] + rows_[r + 1][t]);
      halved.append(mean);
      halvedIterations.append(iterations_[r]);
    }
    if (rows_.size() % 2) {
      halved.append(rows_.back());
      halvedIterations.append(iterations_.back());
    }
    rows_ = halved;
    iterations_ = halvedIterations;
    stride_ *= 2;
  }
  requestRedraw();
}

void MaskHistoryHeatmap::clear() {
  rows_.clear();
  iterations_.clear();
  stride_ = 1;
  skipped_ = 0;
  map_->data()->clear();
  replot(rpQueuedReplot);
}

void MaskHistoryHeatmap::redraw() {
  if (rows_.isEmpty()) {
    replot(rpQueuedReplot);
    return;
  }
  const int T = rows_.front().size();
  const int n = rows_.size();
  map_->data()->setSize(T, n);
  const double firstIteration = iterations_.front();
  const double lastIteration = n > 1 ? iterations_.back() : firstIteration + 1;
  map_->data()->setRange(QCPRange(0, T - 1), QCPRange(firstIteration, lastIteration));
  for (int r = 0; r < n; ++r)
    for (int t = 0; t < T; ++t) map_->data()->setCell(t, r, rows_[r][t]);
  xAxis->setRange(-0.5, T - 0.5);
  yAxis->setRange(firstIteration, lastIteration);
  replot(rpQueuedReplot);
}

}  // namespace eddpm::widgets
