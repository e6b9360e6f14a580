// eddpm-explorer [--data NAME] [--iters N] [--device D] [--autostart | --resume RUN_DIR] [--bench-report FILE] [RUN_DIR]
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include <sys/resource.h>

#include "event_loop_probe.h"

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
}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  QApplication::setOrganizationName("eddpm");
  QApplication::setApplicationName("eddpm-explorer");
  QApplication::setApplicationVersion("0.1.0");
  QApplication::setWindowIcon(QIcon(":/eddpm-explorer.svg"));
  eddpm::explorer::registerExplorerTypes();
  eddpm::explorer::TrainingWorker::prepareEngine();

  QCommandLineParser parser;
  parser.setApplicationDescription("Train diffusion models with EDDPM and explore their sampling schedules.");
  parser.addHelpOption();
  parser.addVersionOption();
  parser.addOption({"data", "2-D data set to train on (moons, swissroll, 8gaussians, checkerboard, rings).", "name"});
  parser.addOption({"iters", "Training iterations.", "n"});
  parser.addOption({"device", "Where to train: auto, cpu or cuda.", "name"});
  parser.addOption({"autostart", "Start training at once."});
  parser.addOption({"resume", "Continue the run in this folder from its checkpoint.", "run"});
  parser.addOption({"compare", "With RUN_DIR: open its model on the Sample & compare page, tick these schedule kinds "
                                "(comma-separated) and sample them.", "kinds"});
  parser.addOption({"bench-report", "Benchmark: start training at once, measure the event loop's latency meanwhile, "
                                    "write it and the run folder to this JSON file and quit when the run ends.", "file"});
  parser.addOption({"probe-ms", "Benchmark: the latency probe's interval in milliseconds (default 5; 0: no probe, "
                                "for the training rate alone).", "ms", "5"});
  parser.addPositionalArgument("run", "A run folder to open and replay.", "[RUN_DIR]");
  parser.process(app);

  eddpm::explorer::MainWindow window;
  window.resize(1400, 900);
  auto settings = window.setupPanel()->settings();
  if (parser.isSet("data")) settings.data = parser.value("data");
  if (parser.isSet("iters")) {
    settings.iters = std::max(1LL, parser.value("iters").toLongLong());
    settings.warmup = settings.iters / 5;
    settings.rampEnd = settings.iters * 4 / 5;
  }
  if (parser.isSet("device")) settings.device = parser.value("device");
  window.setupPanel()->setSettings(settings);
  window.show();
  if (!parser.positionalArguments().isEmpty()) {
    const QString runDir = QDir(parser.positionalArguments().first()).absolutePath();
    if (window.openRun(runDir) && parser.isSet("compare")) window.showComparison(parser.value("compare").split(','));
  } else if (parser.isSet("resume")) {
    window.resumeRun(QDir(parser.value("resume")).absolutePath());
  } else if (parser.isSet("bench-report")) {
    startBenchmark(window, parser.value("bench-report"), parser.value("probe-ms").toInt());
  } else if (parser.isSet("autostart")) window.startTraining(window.setupPanel()->settings());
  return app.exec();
}
