// The Sample & compare page's two other jobs: one image's denoising path through every ticked
// schedule, and a sweep of quality against K for every ticked family.
#include <QSpinBox>
#include <QTabWidget>

#include "sampling_page.h"

#include "denoising_path_view.h"
#include "elided_label.h"
#include "image_comparison_view.h"
#include "live_plot.h"
#include "schedule_strip.h"

namespace eddpm::explorer {

void SamplingPage::requestPath(int index) {
  if (busy() || !service_.loaded()) return;
  if (!imageModel_) return emit failed(tr("The denoising path is for image models"));
  const QVector<ScheduleRequest> list = requests();
  if (list.isEmpty()) return emit failed(tr("Tick at least one schedule"));
  // The draw the grids show (or, before any sampling, the form's).
  const int n = sampledN_ > 0 ? sampledN_ : n_->value();
  const quint64 seed = sampledN_ > 0 ? sampledSeed_ : quint64(seed_->value());
  auto strips = std::make_shared<QVector<PathStrip>>();
  status_->setText(tr("Following sample %1 through %2 schedules…").arg(index).arg(list.size()));
  resultTabs_->setCurrentIndex(1);
  runJob([this, list, index, n, seed, strips] { *strips = service_.path(list, index, n, seed); },
         [this, strips, index] {
           paths_ = *strips;
           QVector<widgets::PathRow> rows;
           QStringList errors;
           for (const PathStrip& p : paths_) {
             if (!p.error.isEmpty()) errors << p.schedule + ": " + p.error;
             const QString steps = p.timesteps.isEmpty() ? QString()
                                   : tr("t = %1 … %2").arg(p.timesteps.front()).arg(p.timesteps.back());
             rows.append({tr("%1, %2 steps: %3").arg(p.schedule).arg(p.timesteps.size()).arg(steps), p.predictions});
           }
           pathView_->setRows(rows);
           images_->setSelectedSample(index);
           status_->setText(errors.isEmpty() ? tr("Denoising path of sample %1: the clean image each schedule "
                                                  "predicts at each of its steps").arg(index)
                                             : errors.join("; "));
           emit pathReady();
         });
}

void SamplingPage::requestSweep() {
  if (busy() || !service_.loaded()) return;
  QStringList kinds;
  for (const QString& kind : checkedKinds())
    if (kind != "manual" && !kind.startsWith("file:")) kinds << kind;
  if (kinds.isEmpty()) return emit failed(tr("Tick at least one schedule family to sweep"));
  QVector<int> Ks;
  for (int K : {2, 3, 5, 10, 20, 50, 100})
    if (K <= service_.T()) Ks << K;
  const int n = std::min(n_->value(), 1000);
  const quint64 seed = quint64(seed_->value());
  auto points = std::make_shared<QVector<SweepPoint>>();
  status_->setText(tr("Sweeping K for %1 families…").arg(kinds.size()));
  runJob([this, kinds, Ks, n, seed, points] { *points = service_.sweep(kinds, Ks, n, seed); },
         [this, kinds, points] {
           sweepPoints_ = *points;
           sweepPlot_->clearGraphs();
           for (int i = 0; i < kinds.size(); ++i) {
             QCPGraph* g = sweepPlot_->addGraph();
             g->setName(kinds[i]);
             g->setPen(QPen(widgets::scheduleColor(i), 1.5));
             g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
             for (const SweepPoint& p : sweepPoints_)
               if (p.kind == kinds[i]) g->addData(p.K, p.value);
           }
           sweepPlot_->legend->setVisible(sweepPlot_->graphCount() > 0);
           sweepPlot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
           sweepPlot_->rescaleAxes();
           sweepPlot_->replot();
           status_->setText(tr("Sweep done"));
           emit sweepReady();
         });
}

}  // namespace eddpm::explorer
