#include "training_view.h"

#include <algorithm>

#include <QGridLayout>
#include <QHBoxLayout>
#include <QVBoxLayout>
#include <QSplitter>

#include "image_grid_view.h"
#include "mask_history_heatmap.h"
#include "mask_probability_plot.h"
#include "redraw_scheduler.h"
#include "time_series_plot.h"

namespace eddpm::widgets {

namespace {
constexpr double kSmoothing = 0.9;  // EMA of the plotted loss and reward
}

TrainingView::TrainingView(QWidget* parent) : QWidget(parent) {
  mask_ = new MaskProbabilityPlot;
  heatmap_ = new MaskHistoryHeatmap;
  sparsity_ = new TimeSeriesPlot({{tr("budget K_e"), QColor(120, 120, 120), false, true},
                                  {tr("sum s"), QColor(40, 110, 200)},
                                  {tr("# s > 0.5"), QColor(230, 120, 30)},
                                  {tr("uncertainty u"), QColor(50, 160, 80), true},
                                  {tr("terminal level a_T(m)"), QColor(190, 50, 60), true, true}},
                                 tr("steps"), tr("u, a_T(m)"));
  loss_ = new TimeSeriesPlot({{tr("model loss (smoothed)"), QColor(40, 110, 200)},
                              {tr("reward R (smoothed)"), QColor(230, 120, 30), true},
                              {tr("baseline"), QColor(120, 120, 120), true, true}},
                             tr("loss"), tr("reward"));
  quality_ = new TimeSeriesPlot({{tr("learned"), QColor(230, 120, 30)},
                                 {tr("uniform, same K"), QColor(40, 110, 200)},
                                 {tr("full chain"), QColor(120, 120, 120), false, true}},
                                tr("SWD to data (lower is better)"));
  sparsity_->yAxis2->setRange(0, 1);
  // Early learned schedules (all steps near T) sample far worse than later ones: a log axis keeps both readable.
  quality_->yAxis->setScaleType(QCPAxis::stLogarithmic);
  quality_->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
  // A run measures 8 to 20 points, and the full chain often once, at its end: all marked, so a
  // lone point shows before there is a line.
  for (int series : {0, 1}) quality_->graph(series)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
  quality_->graph(2)->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, 7));

  auto* grid = new QGridLayout(this);
  grid->setContentsMargins(0, 0, 0, 0);
  grid->addWidget(mask_, 0, 0);
  grid->addWidget(heatmap_, 0, 1);
  grid->addWidget(sparsity_, 1, 0);
  grid->addWidget(loss_, 1, 1);
  learnedPreview_ = new ImageGridView;
  uniformPreview_ = new ImageGridView;
  previewBox_ = new QWidget;
  auto* previews = new QVBoxLayout(previewBox_);
  previews->setContentsMargins(0, 0, 0, 0);
  for (ImageGridView* view : {learnedPreview_, uniformPreview_}) {
    view->setZoom(3);
    previews->addWidget(view);
  }
  previews->addStretch(1);
  connect(learnedPreview_, &ImageGridView::zoomChanged, uniformPreview_, &ImageGridView::setZoom);
  connect(uniformPreview_, &ImageGridView::zoomChanged, learnedPreview_, &ImageGridView::setZoom);
  previewBox_->setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);  // whole grids, the plot takes the rest
  previewBox_->hide();
  auto* bottom = new QHBoxLayout;
  bottom->addWidget(quality_, 1);
  bottom->addWidget(previewBox_);
  grid->addLayout(bottom, 2, 0, 1, 2);
  redraw_ = new RedrawScheduler(this);
  for (LivePlot* plot : plots()) plot->setRedrawScheduler(redraw_);
}

void TrainingView::addPreview(const ImagePreview& p) {
  // About 42 screen pixels per image whatever its size, so two 4x4 grids fit beside the plot; the
  // user zooms further with Ctrl+wheel.
  if (learnedPreview_->imageCount() == 0 && !p.learned.isEmpty())
    learnedPreview_->setZoom(std::clamp(42 / std::max(1, p.learned.front().width()), 1, 4));
  learnedPreview_->setImages(p.learned, tr("learned, K=%1 (iteration %2)").arg(p.K).arg(p.iteration), 4);
  uniformPreview_->setImages(p.uniform, tr("uniform, K=%1").arg(p.K), 4);
  previewBox_->show();
}

QList<LivePlot*> TrainingView::plots() const { return {mask_, heatmap_, sparsity_, loss_, quality_}; }

void TrainingView::addPoint(const TrainingPoint& p) {
  if (!smoothingStarted_) {
    smoothedLoss_ = p.loss;
    smoothedReward_ = p.reward;
    smoothingStarted_ = true;
  }
  smoothedLoss_ = kSmoothing * smoothedLoss_ + (1 - kSmoothing) * p.loss;
  smoothedReward_ = kSmoothing * smoothedReward_ + (1 - kSmoothing) * p.reward;
  const double i = double(p.iteration);
  sparsity_->append(i, {p.budget, p.sumS, double(p.keptOverHalf), p.uncertainty, p.terminalLevel});
  loss_->append(i, {smoothedLoss_, smoothedReward_, p.baseline});
}

void TrainingView::addFrame(const MaskFrame& frame) {
  mask_->showFrame(frame);
  heatmap_->addFrame(frame);
}

void TrainingView::addQuality(const QualityPoint& p) {
  const QString label = tr("%1 to data (lower is better)").arg(p.measure);
  if (quality_->yAxis->label() != label) quality_->yAxis->setLabel(label);
  quality_->append(double(p.iteration), {p.learned, p.uniform, p.full});
}

void TrainingView::redrawNow() { redraw_->redrawNow(); }

void TrainingView::clear() {
  mask_->clear();
  heatmap_->clear();
  sparsity_->clear();
  loss_->clear();
  quality_->clear();
  previewBox_->hide();
  learnedPreview_->setImages({}, QString());
  uniformPreview_->setImages({}, QString());
  smoothingStarted_ = false;
}

}  // namespace eddpm::widgets
