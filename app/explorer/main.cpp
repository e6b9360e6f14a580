// eddpm-explorer [--data NAME] [--size N] [--iters N] [--device D] [--autostart | --resume RUN_DIR] [--bench-report FILE] [RUN_DIR]
// (explorer_options.h)
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <cstdio>

#include <sys/resource.h>

#include "event_loop_probe.h"

#include "explorer_options.h"
#include "openmp_waiting.h"
#include "explorer_types.h"
#include "main_window.h"
#include "training_setup_panel.h"
#include "training_worker.h"

namespace {
// Item 5 of docs/BENCHMARKS.md: the run's own metrics give its rate, the probe the GUI's latency.
void startBenchmark(eddpm::explorer::MainWindow& window, const QString& reportPath, int probeMs) {
  window.setAskBeforeClosing(false);
  auto* probe = new eddpm::explorer::EventLoopProbe(std::max(1, probeMs), &window);
  QObject::connect(&window, &eddpm::explorer::MainWindow::trainingEnded, &window,
                   [probe, reportPath](const QString& runDir, bool completed) {
                     probe->stop();
                     const auto& latencies = probe->latenciesMs();
                     rusage usage{};
                     getrusage(RUSAGE_SELF, &usage);
                     const QJsonObject report{
                         {"run_dir", runDir},
                         {"completed", completed},
                         {"ticks", qint64(latencies.size())},
                         {"latency_p50_ms", eddpm::explorer::percentile(latencies, 50)},
                         {"latency_p99_ms", eddpm::explorer::percentile(latencies, 99)},
                         {"latency_max_ms", eddpm::explorer::percentile(latencies, 100)},
                         {"peak_rss_mib", double(usage.ru_maxrss) / 1024.0}};
                     QSaveFile file(reportPath);
                     if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(report).toJson()) < 0 || !file.commit())
                       qWarning("cannot write %s", qPrintable(reportPath));
                     QCoreApplication::exit(completed ? 0 : 1);
                   });
  if (probeMs > 0) probe->start();
  window.startTraining(window.setupPanel()->settings());
}
void setApplicationNames() {
  QCoreApplication::setOrganizationName("eddpm");
  QCoreApplication::setApplicationName("eddpm-explorer");
  QCoreApplication::setApplicationVersion("0.1.0");
}
}  // namespace

EDDPM_RUN_BEFORE_LIBRARIES_START(eddpm::restart_with_short_openmp_spins);

int main(int argc, char** argv) {
  using eddpm::explorer::ParsedCommandLine;
  ParsedCommandLine parsed;
  {
    // Parsed before the GUI application exists, so --help and errors need no display.
    QCoreApplication parsing(argc, argv);
    setApplicationNames();
    parsed = eddpm::explorer::parseExplorerCommandLine(QCoreApplication::arguments());
  }
  if (parsed.next == ParsedCommandLine::Next::exit) {
    std::fputs(qPrintable(parsed.text), parsed.exitCode == 0 ? stdout : stderr);
    return parsed.exitCode;
  }
  const eddpm::explorer::ExplorerOptions& o = parsed.options;

  QApplication app(argc, argv);
  setApplicationNames();
  QApplication::setWindowIcon(QIcon(":/eddpm-explorer.svg"));
  eddpm::explorer::registerExplorerTypes();
  eddpm::explorer::TrainingWorker::prepareEngine();

  eddpm::explorer::MainWindow window;
  window.resize(1400, 900);
  auto settings = window.setupPanel()->settings();
  if (!o.data.isEmpty()) settings.data = o.data;  // the panel picks the model the data takes
  if (o.size > 0) settings.size = int(o.size);
  if (o.iters > 0) {
    settings.iters = o.iters;
    settings.warmup = settings.iters / 5;
    settings.rampEnd = settings.iters * 4 / 5;
  }
  if (!o.device.isEmpty()) settings.device = o.device;
  window.setupPanel()->setSettings(settings);
  window.show();
  if (!o.runDir.isEmpty()) {
    const QString runDir = QDir(o.runDir).absolutePath();
    if (window.openRun(runDir) && !o.compare.isEmpty()) window.showComparison(o.compare.split(','));
  } else if (!o.resume.isEmpty()) {
    window.resumeRun(QDir(o.resume).absolutePath());
  } else if (!o.benchReport.isEmpty()) {
    startBenchmark(window, o.benchReport, o.probeMs);
  } else if (o.autostart) {
    window.startTraining(window.setupPanel()->settings());
  }
  return app.exec();
}
