// The event-loop probe the explorer's benchmark reads.

#include <QtTest>

#include "event_loop_probe.h"
#include "fixtures.h"

using namespace eddpm;

namespace {

class TestEventLoopProbe : public QObject {
  Q_OBJECT
 private slots:
  // A stall of the GUI thread shows up as one late tick; the other ticks stay near on time.
  void eventLoopProbeSeesAStall() {
    explorer::EventLoopProbe probe(5);
    probe.start();
    bool stalled = false;
    QTimer::singleShot(100, [&stalled] {
      QElapsedTimer busy;
      busy.start();
      while (busy.elapsed() < 120) {
      }
      stalled = true;
    });
    // Ticks before and after the stall, however slowly the machine runs.
    QTRY_VERIFY_WITH_TIMEOUT(stalled && probe.latenciesMs().size() >= 40, 10000);
    probe.stop();
    const std::vector<double>& latencies = probe.latenciesMs();
    QVERIFY2(latencies.size() >= 20, qPrintable(QString::number(latencies.size())));
    QVERIFY2(explorer::percentile(latencies, 100) >= 100.0, qPrintable(QString::number(explorer::percentile(latencies, 100))));
    QVERIFY2(explorer::percentile(latencies, 50) < 20.0, qPrintable(QString::number(explorer::percentile(latencies, 50))));
    QCOMPARE(explorer::percentile({4.0, 1.0, 3.0, 2.0}, 50), 2.0);
    QCOMPARE(explorer::percentile({4.0, 1.0, 3.0, 2.0}, 99), 4.0);
    QCOMPARE(explorer::percentile({}, 99), 0.0);
  }
};

}  // namespace

int run_event_loop_probe_tests(int argc, char** argv) {
  TestEventLoopProbe fixture;
  return QTest::qExec(&fixture, argc, argv);
}

#include "test_event_loop_probe.moc"
