#include "schedule_strip.h"

#include <QHelpEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>
#include <functional>

namespace eddpm::widgets {

QColor scheduleColor(int index) {
  static const QColor colors[] = {QColor(230, 120, 30), QColor(40, 110, 200), QColor(50, 160, 80),
                                  QColor(190, 50, 60),  QColor(130, 80, 180), QColor(110, 110, 110)};
  return colors[index % 6];
}

ScheduleStrip::ScheduleStrip(QWidget* parent) : QWidget(parent) {
  setMinimumHeight(50);
  setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
  setMouseTracking(true);
}

void ScheduleStrip::setNoiseLevels(const QVector<double>& halfLogSnr) {
  levels_ = halfLogSnr;
  update();
}

void ScheduleStrip::setSchedules(const QVector<ScheduleView>& schedules) {
  schedules_ = schedules;
  setFixedHeight(sizeHint().height());
  update();
}

void ScheduleStrip::setEditable(bool editable) {
  editable_ = editable;
  setCursor(editable ? Qt::PointingHandCursor : Qt::ArrowCursor);
}

void ScheduleStrip::setAxis(StripAxis axis) {
  axis_ = axis;
  update();
}

QRect ScheduleStrip::track() const { return rect().adjusted(8, 4, -8, -20); }

double ScheduleStrip::fractionOf(int t) const {
  if (T() <= 1) return 0.0;
  if (axis_ == StripAxis::Timestep) return double(t) / (T() - 1);
  // The half log SNR falls with t: clean (highest) at 0, noise (lowest) at 1.
  const double hi = levels_.front(), lo = levels_.back();
  return hi > lo ? (hi - levels_[t]) / (hi - lo) : double(t) / (T() - 1);
}

QPoint ScheduleStrip::positionOf(int t, int row) const {
  const QRect r = track();
  const int rows = std::max<int>(1, schedules_.size());
  const double x = r.left() + fractionOf(t) * r.width();
  const double rowHeight = double(r.height()) / rows;
  return QPoint(int(std::lround(x)), int(r.top() + rowHeight * (row + 0.5)));
}

int ScheduleStrip::timestepAt(int x) const {
  const QRect r = track();
  if (T() <= 1) return 0;
  const double u = std::clamp(double(x - r.left()) / std::max(1, r.width()), 0.0, 1.0);
  if (axis_ == StripAxis::Timestep || levels_.front() <= levels_.back())
    return std::clamp(int(std::lround(u * (T() - 1))), 0, T() - 1);
  // The timestep whose level is nearest the one at u (levels fall with t: a binary search).
  const double target = levels_.front() - u * (levels_.front() - levels_.back());
  const auto it = std::lower_bound(levels_.begin(), levels_.end(), target, std::greater<double>());
  int t = int(it - levels_.begin());
  if (t == T() || (t > 0 && levels_[t - 1] - target < target - levels_[t])) --t;
  return t;
}

void ScheduleStrip::paintEvent(QPaintEvent*) {
  QPainter p(this);
  const QRect r = track();
  p.fillRect(rect(), palette().base());
  if (T() == 0) return;
  // Background: high SNR (clean) light, low SNR (noise) dark.
  const auto [lo, hi] = std::minmax_element(levels_.begin(), levels_.end());
  const double span = std::max(1e-9, *hi - *lo);
  for (int x = r.left(); x <= r.right(); ++x) {
    const double level = (levels_[timestepAt(x)] - *lo) / span;
    p.setPen(QColor::fromHsv(215, 40, int(120 + 130 * level)));
    p.drawLine(x, r.top(), x, r.bottom());
  }
  const int rows = std::max<int>(1, schedules_.size());
  const double rowHeight = double(r.height()) / rows;
  for (int row = 0; row < schedules_.size(); ++row) {
    p.setPen(QPen(scheduleColor(row), 2));
    const int top = int(r.top() + row * rowHeight + 2), bottom = int(r.top() + (row + 1) * rowHeight - 2);
    for (int t : schedules_[row].timesteps) {
      const int x = positionOf(t, row).x();
      p.drawLine(x, top, x, bottom);
    }
    p.setPen(Qt::black);
    p.drawText(QRect(r.left() + 4, top, r.width(), bottom - top), Qt::AlignVCenter | Qt::AlignLeft,
               QString("%1 (%2)").arg(schedules_[row].name).arg(schedules_[row].timesteps.size()));
  }
  p.setPen(palette().text().color());
  if (axis_ == StripAxis::Timestep) {
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 16), Qt::AlignLeft, "0 (clean)");
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 16), Qt::AlignRight, QString("%1 (noise)").arg(T() - 1));
  } else {  // evenly in log sigma: say the sigmas at both ends
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 16), Qt::AlignLeft,
               QString("sigma %1 (clean, t = 0)").arg(std::exp(-levels_.front()), 0, 'g', 3));
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 16), Qt::AlignHCenter, tr("even in log sigma (log SNR)"));
    p.drawText(QRect(r.left(), r.bottom() + 2, r.width(), 16), Qt::AlignRight,
               QString("sigma %1 (noise, t = %2)").arg(std::exp(-levels_.back()), 0, 'g', 3).arg(T() - 1));
  }
}

void ScheduleStrip::mousePressEvent(QMouseEvent* event) {
  if (!editable_ || schedules_.isEmpty() || T() == 0 || event->button() != Qt::LeftButton) return;
  const int x = int(event->position().x());
  QVector<int>& steps = schedules_[0].timesteps;
  // On a step (within a few pixels): it follows the mouse until release; a release where it was
  // pressed removes it.
  for (int i = 0; i < steps.size(); ++i) {
    if (std::abs(positionOf(steps[i]).x() - x) <= 3) {
      dragged_ = i;
      pressX_ = x;
      dragMoved_ = false;
      return;
    }
  }
  const int t = timestepAt(x);
  steps.append(t);
  std::sort(steps.begin(), steps.end(), std::greater<int>());
  update();
  emit manualStepsChanged(steps);
}

void ScheduleStrip::mouseMoveEvent(QMouseEvent* event) {
  if (dragged_ < 0 || schedules_.isEmpty()) return QWidget::mouseMoveEvent(event);
  QVector<int>& steps = schedules_[0].timesteps;
  const int x = int(event->position().x());
  dragMoved_ = dragMoved_ || std::abs(x - pressX_) > 3;
  const int t = timestepAt(x);
  if (t != steps[dragged_] && !steps.contains(t)) {  // a step cannot land on another
    steps[dragged_] = t;
    update();
  }
}

void ScheduleStrip::mouseReleaseEvent(QMouseEvent* event) {
  if (dragged_ < 0 || schedules_.isEmpty()) return QWidget::mouseReleaseEvent(event);
  QVector<int>& steps = schedules_[0].timesteps;
  if (!dragMoved_) steps.removeAt(dragged_);
  dragged_ = -1;
  std::sort(steps.begin(), steps.end(), std::greater<int>());
  update();
  emit manualStepsChanged(steps);
}

bool ScheduleStrip::event(QEvent* event) {
  if (event->type() == QEvent::ToolTip && T() > 0) {
    auto* help = static_cast<QHelpEvent*>(event);
    const int t = timestepAt(help->pos().x());
    QToolTip::showText(help->globalPos(), tr("t = %1, 0.5 log SNR = %2%3")
                                              .arg(t)
                                              .arg(levels_.value(t), 0, 'f', 2)
                                              .arg(editable_ ? tr("\nclick to add or remove a step, drag one to move it")
                                                             : QString()));
    return true;
  }
  return QWidget::event(event);
}

}  // namespace eddpm::widgets
