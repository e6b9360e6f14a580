// Torch before Qt (see training_worker.cpp).
#include "train_config.h"

#include "explorer_options.h"

#include <stdexcept>

#include "solver_kind.h"

#include <QCommandLineParser>

namespace eddpm::explorer {

namespace {
// An integer inside [low, high], or the reason naming the option.
bool readInteger(const QCommandLineParser& parser, const QString& name, qint64 low, qint64 high, qint64* value,
                 QString* error) {
  bool ok = false;
  const QString text = parser.value(name);
  const qint64 read = text.trimmed().toLongLong(&ok);
  if (!ok) {
    *error = QString("--%1 takes a whole number, not '%2'").arg(name, text);
    return false;
  }
  if (read < low || read > high) {
    *error = QString("--%1 must be within %2..%3, not %4").arg(name).arg(low).arg(high).arg(read);
    return false;
  }
  *value = read;
  return true;
}

bool isDevice(const QString& device) {
  if (device == "auto" || device == "cpu" || device == "cuda") return true;
  bool ok = false;
  return device.startsWith("cuda:") && device.mid(5).toInt(&ok) >= 0 && ok;
}

}  // namespace

ParsedCommandLine parseExplorerCommandLine(const QStringList& arguments) {
  QCommandLineParser parser;
  parser.setApplicationDescription("Train diffusion models with EDDPM and explore their sampling schedules.");
  const QCommandLineOption help = parser.addHelpOption();
  const QCommandLineOption version = parser.addVersionOption();
  parser.addOption({"data", "Data to train on, as `eddpm train --data` takes it: " +
                               QString::fromStdString(data_names_help()) + ".", "name"});
  parser.addOption({"size", "Image side in pixels (8 to 256; default: the data's own, 28 for MNIST, 32 for folders).",
                    "pixels"});
  parser.addOption({"iters", "Training iterations (1 to 1000000000).", "n"});
  parser.addOption({"device", "Where to train: auto, cpu, cuda or cuda:N.", "name"});
  parser.addOption({"autostart", "Start training at once."});
  parser.addOption({"resume", "Continue the run in this folder from its checkpoint.", "run"});
  parser.addOption({"compare", "With RUN_DIR: open its model on the Sample & compare page, tick these schedule kinds "
                                "(comma-separated; KIND@SOLVER[+SOLVER] gives one its own solvers) and sample them.",
                    "kinds"});
  parser.addOption({"samples", "With --compare: samples per schedule (10 to 200000; default 2000 points, 256 images; time "
                               "series: imputations of each test window, 32, at most 1000).",
                    "n"});
  parser.addOption({"solver", "With --compare: the solvers every schedule is sampled with, side by side "
                              "(comma-separated: ddim, euler, heun, dpmpp-2m, unipc; default ddim).", "names"});
  parser.addOption({"bench-report", "Benchmark: start training at once (with RUN_DIR --compare: sample), measure the "
                                    "event loop's latency meanwhile, write it to this JSON file and quit when done.",
                    "file"});
  parser.addOption({"probe-ms", "Benchmark: the latency probe's interval in milliseconds (0 to 60000, default 5; 0: no "
                                "probe, for the training rate alone).", "ms", "5"});
  parser.addPositionalArgument("run", "A run folder to open and replay; followed while another process still writes it.", "[RUN_DIR]");

  ParsedCommandLine result;
  auto fail = [&result](const QString& message) {
    result.next = ParsedCommandLine::Next::exit;
    result.exitCode = 2;
    result.text = "eddpm-explorer: error: " + message + " (see --help)\n";
    return result;
  };
  if (!parser.parse(arguments)) return fail(parser.errorText());
  if (parser.isSet(help) || parser.isSet(version)) {
    result.next = ParsedCommandLine::Next::exit;
    result.text = parser.isSet(help) ? parser.helpText() : QCoreApplication::applicationName() + " " +
                                                               QCoreApplication::applicationVersion() + "\n";
    return result;
  }
  ExplorerOptions& o = result.options;
  QString error;
  if (parser.isSet("data")) {
    o.data = parser.value("data");
    if (!is_data_name(o.data.toStdString()))
      return fail(QString("--data '%1' is not a data set (%2)").arg(o.data, QString::fromStdString(data_names_help())));
  }
  if (parser.isSet("size") && !readInteger(parser, "size", 8, 256, &o.size, &error)) return fail(error);
  if (parser.isSet("iters") && !readInteger(parser, "iters", 1, 1000000000, &o.iters, &error)) return fail(error);
  if (parser.isSet("device")) {
    o.device = parser.value("device");
    if (!isDevice(o.device)) return fail(QString("--device takes auto, cpu, cuda or cuda:N, not '%1'").arg(o.device));
  }
  qint64 probeMs = 5;
  if (!readInteger(parser, "probe-ms", 0, 60000, &probeMs, &error)) return fail(error);
  o.probeMs = int(probeMs);
  o.autostart = parser.isSet("autostart");
  o.resume = parser.value("resume");
  o.compare = parser.value("compare");
  o.benchReport = parser.value("bench-report");
  const QStringList positional = parser.positionalArguments();
  if (positional.size() > 1) return fail("one run folder at most, not " + QString::number(positional.size()));
  if (!positional.isEmpty()) o.runDir = positional.first();
  if (!o.compare.isEmpty() && o.runDir.isEmpty()) return fail("--compare needs a RUN_DIR to compare");
  for (const QString& kind : o.compare.split(',', Qt::SkipEmptyParts)) {
    try {
      parse_schedule_with_solvers(kind.trimmed().toStdString());
    } catch (const std::invalid_argument& e) {
      return fail(QString("--compare: ") + e.what());
    }
  }
  if (parser.isSet("solver")) {
    if (o.compare.isEmpty()) return fail("--solver goes with RUN_DIR --compare");
    for (const QString& name : parser.value("solver").split(',', Qt::SkipEmptyParts)) {
      try {
        solver_kind_from_string(name.trimmed().toStdString());
      } catch (const std::invalid_argument& e) {
        return fail(QString("--solver: ") + e.what());
      }
      o.solvers << name.trimmed();
    }
    if (o.solvers.isEmpty()) return fail("--solver names no solver");
  }
  if (parser.isSet("samples")) {
    if (o.compare.isEmpty()) return fail("--samples goes with RUN_DIR --compare");
    if (!readInteger(parser, "samples", 10, 200000, &o.samples, &error)) return fail(error);
  }
  return result;
}

}  // namespace eddpm::explorer
