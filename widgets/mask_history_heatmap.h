#pragma once
// The history of s as a heatmap: x timestep, y iteration, colour s in a fixed 0..1 range. Grows as
// training runs; past kMaxRows the history is halved by averaging neighbouring rows, so it stays
// whole and bounded. The colour map is refilled at redraws only: with a RedrawScheduler, a few a second.
#include "live_plot.h"
#include "plot_data.h"

namespace eddpm::widgets {

class MaskHistoryHeatmap : public LivePlot {
  Q_OBJECT
 public:
  static constexpr int kMaxRows = 256;

  explicit MaskHistoryHeatmap(QWidget* parent = nullptr);

  void addFrame(const MaskFrame& frame);
  void clear();
  // Fills the colour map from the stored rows (rows x T cells) and replots.
  void redraw() override;

  int rowCount() const { return rows_.size(); }
  // s at (row, timestep) as stored, for tests and tooltips.
  double cell(int row, int t) const { return rows_.at(row).at(t); }
  qint64 rowIteration(int row) const { return iterations_.at(row); }

 private:
  QCPColorMap* map_;
  QCPColorScale* scale_;
  QVector<QVector<double>> rows_;
  QVector<qint64> iterations_;
  int stride_ = 1;   // keep one frame in `stride_` once the history has been halved
  int skipped_ = 0;
};

}  // namespace eddpm::widgets
