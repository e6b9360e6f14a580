// eddpm-explorer [--data NAME] [--size N] [--iters N] [--device D] [--autostart | --resume RUN_DIR] [--bench-report FILE] [RUN_DIR]
// (explorer_options.h)
#include <QApplication>
#include <QDir>
#include <QScreen>

#include <cstdio>

#include "explorer_benchmark.h"
#include "explorer_options.h"
#include "openmp_waiting.h"
#include "explorer_types.h"
#include "main_window.h"
#include "training_setup_panel.h"
#include "training_worker.h"

namespace {
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
  // Never larger than the screen: a laptop's 1366x768 gets the whole screen, not a window past it.
  window.resize(QSize(1400, 900).boundedTo(window.screen()->availableGeometry().size()));
  auto settings = window.setupPanel()->settings();
  if (!o.data.isEmpty()) {
    const bool was_series = settings.config.series_data();
    settings.config.data = o.data.toStdString();  // the panel picks the model the data takes
    // Time series get CSDI's schedule, as `eddpm train --data weather` does (and lose it again).
    if (settings.config.series_data() != was_series) {
      settings.config.beta.T = settings.config.series_data() ? 50 : 1000;
      settings.config.beta.kind = settings.config.series_data() ? eddpm::BetaKind::Quadratic : eddpm::BetaKind::Linear;
      settings.config.semantics = eddpm::default_semantics(settings.config.beta);
      settings.config.keep = settings.config.series_data() ? 0.2 : 0.01;  // the paper's 20% of the steps
      settings.config.batch = settings.config.series_data() ? 16 : 256;   // CSDI's batch
    }
  }
  if (o.size > 0) settings.config.size = o.size;
  if (o.iters > 0) {
    settings.config.iters = o.iters;
    settings.config.warmup = -1;  // 20% and 80% of the new total
    settings.config.ramp_end = -1;
  }
  if (!o.device.isEmpty()) settings.config.device = o.device.toStdString();
  window.setupPanel()->setSettings(settings);
  window.show();
  if (!o.runDir.isEmpty() && !o.benchReport.isEmpty() && !o.compare.isEmpty()) {
    eddpm::explorer::startSamplingBenchmark(window, QDir(o.runDir).absolutePath(), o.compare.split(','),
                                            int(o.samples), o.benchReport, o.probeMs);
  } else if (!o.runDir.isEmpty()) {
    const QString runDir = QDir(o.runDir).absolutePath();
    if (window.openRun(runDir) && !o.compare.isEmpty()) window.showComparison(o.compare.split(','), int(o.samples), o.solvers);
  } else if (!o.resume.isEmpty()) {
    window.resumeRun(QDir(o.resume).absolutePath());
  } else if (!o.benchReport.isEmpty()) {
    eddpm::explorer::startTrainingBenchmark(window, o.benchReport, o.probeMs);
  } else if (o.autostart) {
    window.startTraining(window.setupPanel()->settings());
  }
  return app.exec();
}
