#pragma once
// The 0..T-1 axis with each schedule's steps marked, one row per schedule, shaded by noise level
// (log SNR); the axis runs evenly in timesteps or in log SNR (that is, in log sigma: sigma_t =
// exp(-0.5 log SNR_t)). In manual mode clicking adds or removes a step of the first schedule and
// dragging one moves it.
#include <QWidget>

#include "plot_data.h"

namespace eddpm::widgets {

enum class StripAxis { Timestep, LogSnr };

class ScheduleStrip : public QWidget {
  Q_OBJECT
 public:
  explicit ScheduleStrip(QWidget* parent = nullptr);

  // 0.5 log SNR of every timestep: sets T and the background shading.
  void setNoiseLevels(const QVector<double>& halfLogSnr);
  void setSchedules(const QVector<ScheduleView>& schedules);
  void setEditable(bool editable);
  void setAxis(StripAxis axis);
  StripAxis axis() const { return axis_; }

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
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  bool event(QEvent* event) override;

 private:
  QRect track() const;
  // Where timestep t sits along the axis, 0 (clean end) to 1 (noise end).
  double fractionOf(int t) const;

  QVector<double> levels_;
  QVector<ScheduleView> schedules_;
  bool editable_ = false;
  StripAxis axis_ = StripAxis::Timestep;
  int dragged_ = -1;     // index in the first schedule's steps of the step being dragged
  int pressX_ = 0;
  bool dragMoved_ = false;  // the mouse left the press point: a drag, not a click (which removes)
};

// One colour per schedule row, the same in every view.
QColor scheduleColor(int index);

}  // namespace eddpm::widgets
