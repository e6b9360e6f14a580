#include "log_snr_plot.h"

#include "schedule_strip.h"

namespace eddpm::widgets {

LogSnrPlot::LogSnrPlot(QWidget* parent) : LivePlot(parent) {
  xAxis->setLabel(tr("sampling step (1 = first applied)"));
  yAxis->setLabel(tr("0.5 log SNR"));
  legend->setVisible(true);
  axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignBottom | Qt::AlignRight);
}

void LogSnrPlot::setSchedules(const QVector<ScheduleView>& schedules) {
  clearGraphs();
  for (int i = 0; i < schedules.size(); ++i) {
    QCPGraph* g = addGraph();
    g->setName(schedules[i].name);
    g->setPen(QPen(scheduleColor(i), 1.5));
    g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
    QVector<double> keys(schedules[i].logSnr.size());
    for (int j = 0; j < keys.size(); ++j) keys[j] = j + 1;
    g->setData(keys, schedules[i].logSnr, true);
  }
  rescaleAxes();
  replot(rpQueuedReplot);
}

}  // namespace eddpm::widgets
