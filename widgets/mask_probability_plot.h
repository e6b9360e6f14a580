#pragma once
// s_t for every timestep as bars, the learned top-K highlighted (view 1 of the live training view).
#include "live_plot.h"
#include "plot_data.h"

namespace eddpm::widgets {

class MaskProbabilityPlot : public LivePlot {
  Q_OBJECT
 public:
  explicit MaskProbabilityPlot(QWidget* parent = nullptr);

  void showFrame(const MaskFrame& frame);
  void clear();

  const MaskFrame& frame() const { return frame_; }
  int highlightedCount() const { return kept_->data()->size(); }

 private:
  QCPBars* all_;
  QCPBars* kept_;
  MaskFrame frame_;
};

}  // namespace eddpm::widgets
