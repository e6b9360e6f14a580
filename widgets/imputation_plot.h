#pragma once
// One window of one time series and how schedules imputed it: the values the model saw (dots),
// the hidden values it was scored on (crosses), and each schedule's imputations as their median
// with a 5-95% band; overlaid in one plot, or side by side with one panel a schedule on a shared
// value axis. Plain data in the data's units; GUI thread only.
#include <QStringList>
#include <QVector>

#include "live_plot.h"

namespace eddpm::widgets {

struct SeriesWindowView {
  QString title;             // which series and window, e.g. "seattle_wind, window 3 of 8"
  QStringList timeLabels;    // one per value of the window
  QVector<double> observed;  // the value where the model saw it, NaN elsewhere
  QVector<double> hidden;    // the true value where it was hidden from the model and scored, NaN elsewhere
};

struct ImputationBand {
  QString name;
  QVector<double> median, low, high;  // per value: the imputations' median and 5% / 95% quantiles
  bool reference = false;             // the full chain: grey and dashed, drawn under the others
};

enum class ImputationLayout { Overlaid, SideBySide };

class ImputationPlot : public LivePlot {
  Q_OBJECT
 public:
  explicit ImputationPlot(QWidget* parent = nullptr);

  // Bands whose length is not the window's are left out (a caller's mistake must not crash the view).
  void setWindow(const SeriesWindowView& window, const QVector<ImputationBand>& bands);
  void setLayout(ImputationLayout layout);
  ImputationLayout layout() const { return layout_; }
  const SeriesWindowView& window() const { return window_; }
  const QVector<ImputationBand>& bands() const { return bands_; }
  // Panels drawn now: 1 overlaid, one a band side by side (0 before any window).
  int panelCount() const { return axisRectCount(); }

 private:
  void rebuild();
  // Draws `band` (colour `color`) and the window's points into `rect`; the band's legend entry
  // only with `legend`.
  void drawPanel(QCPAxisRect* rect, const QVector<const ImputationBand*>& bands, const QVector<QColor>& colors);

  SeriesWindowView window_;
  QVector<ImputationBand> bands_;
  ImputationLayout layout_ = ImputationLayout::Overlaid;
};

}  // namespace eddpm::widgets
