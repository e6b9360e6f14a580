#include "redraw_scheduler.h"

#include <algorithm>
#include <utility>

#include "live_plot.h"

namespace eddpm::widgets {

RedrawScheduler::RedrawScheduler(QObject* parent) : QObject(parent) {
  timer_.setSingleShot(true);
  connect(&timer_, &QTimer::timeout, this, &RedrawScheduler::redrawNow);
}

void RedrawScheduler::request(LivePlot* plot) {
  if (!stale_.contains(plot)) stale_.append(plot);
  if (timer_.isActive()) return;
  // Zero when the interval has passed: the redraw still waits for the event loop, so whatever
  // arrives in the same pass of it is drawn by the same redraw.
  const qint64 wait = sinceRedraw_.isValid() ? kIntervalMs - sinceRedraw_.elapsed() : 0;
  timer_.start(int(std::max<qint64>(0, wait)));
}

void RedrawScheduler::redrawNow() {
  timer_.stop();
  sinceRedraw_.start();
  const QVector<QPointer<LivePlot>> stale = std::exchange(stale_, {});
  for (const QPointer<LivePlot>& plot : stale)
    if (plot) plot->redraw();
  emit redrawn();
}

}  // namespace eddpm::widgets
