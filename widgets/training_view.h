#pragma once
// The live training view: mask probabilities, their history, the sparsity budget, losses and
// sample quality, all fed with plain values. GUI thread only.
#include <QWidget>

#include "plot_data.h"

namespace eddpm::widgets {

class MaskHistoryHeatmap;
class MaskProbabilityPlot;
class TimeSeriesPlot;
class LivePlot;
class ImageGridView;
class RedrawScheduler;

class TrainingView : public QWidget {
  Q_OBJECT
 public:
  explicit TrainingView(QWidget* parent = nullptr);

  void addPoint(const TrainingPoint& point);
  void addFrame(const MaskFrame& frame);
  void addQuality(const QualityPoint& point);
  // Image runs: the preview grids beside the quality plot (hidden until the first preview).
  void addPreview(const ImagePreview& preview);
  void clear();
  // Draws what arrived since the last redraw now (a run ended, a replay was loaded); otherwise the
  // plots redraw together on one timer (redrawScheduler()).
  void redrawNow();
  RedrawScheduler* redrawScheduler() const { return redraw_; }

  MaskProbabilityPlot* maskPlot() const { return mask_; }
  MaskHistoryHeatmap* heatmap() const { return heatmap_; }
  TimeSeriesPlot* sparsityPlot() const { return sparsity_; }
  TimeSeriesPlot* lossPlot() const { return loss_; }
  TimeSeriesPlot* qualityPlot() const { return quality_; }
  ImageGridView* learnedPreview() const { return learnedPreview_; }
  ImageGridView* uniformPreview() const { return uniformPreview_; }
  QList<LivePlot*> plots() const;

 private:
  RedrawScheduler* redraw_;
  MaskProbabilityPlot* mask_;
  MaskHistoryHeatmap* heatmap_;
  TimeSeriesPlot* sparsity_;
  TimeSeriesPlot* loss_;
  TimeSeriesPlot* quality_;
  QWidget* previewBox_;
  ImageGridView *learnedPreview_, *uniformPreview_;
  double smoothedLoss_ = 0.0, smoothedReward_ = 0.0;
  bool smoothingStarted_ = false;
};

}  // namespace eddpm::widgets
