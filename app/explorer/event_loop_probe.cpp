#include "event_loop_probe.h"

#include <algorithm>
#include <cmath>

namespace eddpm::explorer {

EventLoopProbe::EventLoopProbe(int intervalMs, QObject* parent) : QObject(parent), intervalMs_(intervalMs) {
  timer_.setTimerType(Qt::PreciseTimer);
  timer_.setInterval(intervalMs_);
  connect(&timer_, &QTimer::timeout, this, &EventLoopProbe::tick);
}

void EventLoopProbe::start() {
  latencies_.clear();
  clock_.start();
  lastNs_ = 0;
  timer_.start();
}

void EventLoopProbe::stop() { timer_.stop(); }

void EventLoopProbe::tick() {
  const qint64 now = clock_.nsecsElapsed();
  latencies_.push_back(std::max(0.0, double(now - lastNs_) * 1e-6 - intervalMs_));
  lastNs_ = now;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0.0;
  std::sort(values.begin(), values.end());
  const double rank = std::ceil(p / 100.0 * double(values.size()));
  const size_t index = size_t(std::clamp(rank, 1.0, double(values.size()))) - 1;
  return values[index];
}

}  // namespace eddpm::explorer
