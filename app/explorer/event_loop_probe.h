#pragma once
// Measures how responsive the GUI thread's event loop is: a precise timer ticks every few
// milliseconds and records how late each tick ran. Used by `eddpm-explorer --bench-report`.
// Threading: create, start and read it on the thread whose event loop it measures.
#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <vector>

namespace eddpm::explorer {

class EventLoopProbe : public QObject {
  Q_OBJECT
 public:
  explicit EventLoopProbe(int intervalMs = 5, QObject* parent = nullptr);
  void start();
  void stop();
  // How late each tick came, in milliseconds (0 when on time).
  const std::vector<double>& latenciesMs() const { return latencies_; }

 private:
  void tick();

  QTimer timer_;
  QElapsedTimer clock_;
  qint64 lastNs_ = 0;
  int intervalMs_;
  std::vector<double> latencies_;
};

// The p-th percentile (0..100) by the nearest-rank rule; 0 for no values.
double percentile(std::vector<double> values, double p);

}  // namespace eddpm::explorer
