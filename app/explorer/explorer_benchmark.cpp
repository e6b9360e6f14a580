#include "explorer_benchmark.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <sys/resource.h>

#include "event_loop_probe.h"
#include "main_window.h"
#include "sampling_page.h"
#include "training_setup_panel.h"

namespace eddpm::explorer {

namespace {
// The probe's figures and the process's peak memory, with `extra`, to `reportPath`; then quits.
void reportAndQuit(EventLoopProbe* probe, QJsonObject extra, const QString& reportPath, bool completed) {
  probe->stop();
  const auto& latencies = probe->latenciesMs();
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  extra["completed"] = completed;
  extra["ticks"] = qint64(latencies.size());
  extra["latency_p50_ms"] = percentile(latencies, 50);
  extra["latency_p99_ms"] = percentile(latencies, 99);
  extra["latency_max_ms"] = percentile(latencies, 100);
  extra["peak_rss_mib"] = double(usage.ru_maxrss) / 1024.0;
  QSaveFile file(reportPath);
  if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(extra).toJson()) < 0 || !file.commit())
    qWarning("cannot write %s", qPrintable(reportPath));
  QCoreApplication::exit(completed ? 0 : 1);
}
}  // namespace

void startTrainingBenchmark(MainWindow& window, const QString& reportPath, int probeMs) {
  window.setAskBeforeClosing(false);
  auto* probe = new EventLoopProbe(std::max(1, probeMs), &window);
  QObject::connect(&window, &MainWindow::trainingEnded, &window,
                   [probe, reportPath](const QString& runDir, bool completed) {
                     reportAndQuit(probe, {{"run_dir", runDir}}, reportPath, completed);
                   });
  if (probeMs > 0) probe->start();
  window.startTraining(window.setupPanel()->settings());
}

void startSamplingBenchmark(MainWindow& window, const QString& runDir, const QStringList& kinds, int samples,
                            const QString& reportPath, int probeMs) {
  auto* probe = new EventLoopProbe(std::max(1, probeMs), &window);
  auto* clock = new QElapsedTimer;
  SamplingPage* page = window.samplingPage();
  QObject::connect(page, &SamplingPage::checkpointLoaded, &window, [clock] { clock->start(); });
  QObject::connect(page, &SamplingPage::samplesReady, &window, [=] {
    const double seconds = clock->elapsed() / 1000.0;
    delete clock;
    reportAndQuit(probe, {{"run_dir", runDir}, {"kinds", kinds.join(',')}, {"samples", samples},
                          {"sampling_seconds", seconds}},
                  reportPath, true);
  });
  QObject::connect(page, &SamplingPage::failed, &window, [=](const QString& message) {
    reportAndQuit(probe, {{"run_dir", runDir}, {"error", message}}, reportPath, false);
  });
  if (probeMs > 0) probe->start();
  if (window.openRun(runDir)) window.showComparison(kinds, samples);
}

}  // namespace eddpm::explorer
