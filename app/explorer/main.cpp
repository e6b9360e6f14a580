// eddpm-explorer [--data NAME] [--iters N] [--autostart] [RUN_DIR]
#include <QApplication>
#include <QCommandLineParser>
#include <QDir>

#include "explorer_types.h"
#include "main_window.h"
#include "training_setup_panel.h"
#include "training_worker.h"

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
  parser.addOption({"autostart", "Start training at once."});
  parser.addOption({"compare", "With RUN_DIR: open its model on the Sample & compare page, tick these schedule kinds "
                                "(comma-separated) and sample them.", "kinds"});
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
  window.setupPanel()->setSettings(settings);
  window.show();
  if (!parser.positionalArguments().isEmpty()) {
    const QString runDir = QDir(parser.positionalArguments().first()).absolutePath();
    if (window.openRun(runDir) && parser.isSet("compare")) window.showComparison(parser.value("compare").split(','));
  } else if (parser.isSet("autostart")) window.startTraining(window.setupPanel()->settings());
  return app.exec();
}
