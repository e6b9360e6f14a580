#pragma once
// 0.5 log SNR against step index for several schedules, overlaid: how each spends its steps.
#include "live_plot.h"
#include "plot_data.h"

namespace eddpm::widgets {

class LogSnrPlot : public LivePlot {
  Q_OBJECT
 public:
  explicit LogSnrPlot(QWidget* parent = nullptr);
  void setSchedules(const QVector<ScheduleView>& schedules);
};

}  // namespace eddpm::widgets
