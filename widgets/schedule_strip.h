#pragma once
// The 0..T-1 axis with each schedule's steps marked, one row per schedule, shaded by noise level
// (log SNR). In manual mode clicking toggles a step of the first schedule.
#include <QWidget>

#include "plot_data.h"

namespace eddpm::widgets {

class ScheduleStrip : public QWidget {
  Q_OBJECT
 public:
  explicit ScheduleStrip(QWidget* parent = nullptr);

  // 0.5 log SNR of every timestep: sets T and the background shading.
  void setNoiseLevels(const QVector<double>& halfLogSnr);
  void setSchedules(const QVector<ScheduleView>& schedules);
  void setEditable(bool editable);

  int T() const { return levels_.size(); }
  const QVector<ScheduleView>& schedules() const { return schedules_; }
  // Pixel centre of timestep t on row `row` (for tests and tooltips) and the inverse.
  QPoint positionOf(int t, int row = 0) const;
  int timestepAt(int x) const;

  QSize sizeHint() const override { return {600, 28 + 22 * std::max<int>(1, schedules_.size())}; }

 signals:
  void manualStepsChanged(const QVector<int>& descending);

 protected:
  void paintEvent(QPaintEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRect track() const;

  QVector<double> levels_;
  QVector<ScheduleView> schedules_;
  bool editable_ = false;
};

// One colour per schedule row, the same in every view.
QColor scheduleColor(int index);

}  // namespace eddpm::widgets
