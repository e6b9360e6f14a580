#include "mask_probability_plot.h"

namespace eddpm::widgets {

MaskProbabilityPlot::MaskProbabilityPlot(QWidget* parent) : LivePlot(parent) {
  all_ = new QCPBars(xAxis, yAxis);
  all_->setName(tr("s_t"));
  all_->setPen(Qt::NoPen);
  all_->setBrush(QColor(70, 110, 180));
  all_->setWidth(1.0);
  dense_ = addGraph();
  dense_->setName(tr("s_t"));
  dense_->setLineStyle(QCPGraph::lsImpulse);
  dense_->setPen(QPen(QColor(70, 110, 180), 0));
  dense_->setVisible(false);
  dense_->removeFromLegend();
  kept_ = new QCPBars(xAxis, yAxis);
  kept_->setName(tr("learned top-K"));
  kept_->setPen(Qt::NoPen);
  kept_->setBrush(QColor(230, 120, 30));
  kept_->setWidth(1.0);
  xAxis->setLabel(tr("timestep t (0-based)"));
  yAxis->setLabel(tr("mask probability s_t"));
  yAxis->setRange(0, 1.05);
  legend->setVisible(true);
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
}

void MaskProbabilityPlot::showFrame(const MaskFrame& frame) {
  frame_ = frame;
  QVector<double> keys(frame.s.size());
  for (int t = 0; t < frame.s.size(); ++t) keys[t] = t;
  QVector<double> keptKeys, keptValues;
  for (int t : frame.learned) {
    if (t < 0 || t >= frame.s.size()) continue;
    keptKeys.prepend(t);
    keptValues.prepend(frame.s[t]);
  }
  const bool dense = frame.s.size() > kMaxBars;
  all_->setVisible(!dense);
  dense_->setVisible(dense);
  if (dense) {
    all_->data()->clear();
    dense_->setData(keys, frame.s, true);
  } else {
    dense_->data()->clear();
    all_->setData(keys, frame.s, true);
  }
  QCPAbstractPlottable* shown = dense ? static_cast<QCPAbstractPlottable*>(dense_) : all_;
  if (!legend->hasItemWithPlottable(shown)) {  // the legend names what is drawn, s_t first
    all_->removeFromLegend();
    dense_->removeFromLegend();
    kept_->removeFromLegend();
    shown->addToLegend();
    kept_->addToLegend();
  }
  kept_->setData(keptKeys, keptValues, true);
  // A bar narrower than a pixel vanishes: widen bars on long axes.
  const double width = std::max(1.0, frame.s.size() / 400.0);
  all_->setWidth(width);
  kept_->setWidth(width);
  xAxis->setRange(-0.5, frame.s.size() - 0.5);
  requestRedraw();
}

void MaskProbabilityPlot::clear() {
  frame_ = {};
  all_->data()->clear();
  dense_->data()->clear();
  kept_->data()->clear();
  replot(rpQueuedReplot);
}

}  // namespace eddpm::widgets
