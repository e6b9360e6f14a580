#pragma once
// s_t for every timestep as bars, the learned top-K highlighted (view 1 of the live training view).
// Past kMaxBars timesteps the bars are one-pixel impulses instead: a bar costs twice as much to
// draw, and at 15 frames a second a thousand of them took 3% of a core from training; that many
// steps are under a pixel each, so the impulses read as the same bars.
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
  // Whether s is drawn as impulses (more than kMaxBars timesteps) rather than bars.
  bool drawsImpulses() const { return dense_->visible(); }
  static constexpr int kMaxBars = 256;

 private:
  QCPBars* all_;
  QCPGraph* dense_;
  QCPBars* kept_;
  MaskFrame frame_;
};

}  // namespace eddpm::widgets
