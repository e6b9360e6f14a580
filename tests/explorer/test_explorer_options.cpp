// The explorer's command line, parsed and as the program answers it.
#include <tuple>

#include <QtTest>
#include <QProcess>

#include "explorer_options.h"
#include "fixtures.h"

using namespace eddpm;

namespace {

class TestExplorerOptions : public QObject {
  Q_OBJECT
 private slots:
  // Every numeric option of the explorer refuses non-numbers, NaN and values out of its range with
  // one line naming it; --data takes only what the explorer trains.
  void commandLineRefusesBadValues_data() {
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<QString>("named");
    for (const QString& value : {"abc", "nan", "1e3", "0", "-5", "1000000001", "99999999999999999999", ""})
      QTest::newRow(qPrintable("--iters " + value)) << QStringList{"--iters", value} << "--iters";
    for (const QString& value : {"abc", "nan", "-1", "60001", "2.5"})
      QTest::newRow(qPrintable("--probe-ms " + value)) << QStringList{"--probe-ms", value} << "--probe-ms";
    QTest::newRow("--device gpu") << QStringList{"--device", "gpu"} << "--device";
    QTest::newRow("--data spirals") << QStringList{"--data", "spirals"} << "--data";
    QTest::newRow("--data folder: without a path") << QStringList{"--data", "folder:"} << "--data";
    QTest::newRow("--data mnist: without a folder") << QStringList{"--data", "mnist:"} << "--data";
    QTest::newRow("--data images:x") << QStringList{"--data", "images:x"} << "--data";
    for (const QString& value : {"7", "257", "abc"})
      QTest::newRow(qPrintable("--size " + value)) << QStringList{"--size", value} << "--size";
    QTest::newRow("--compare without a run") << QStringList{"--compare", "uniform"} << "--compare";
    QTest::newRow("unknown option") << QStringList{"--speed", "3"} << "speed";
  }

  void commandLineRefusesBadValues() {
    QFETCH(QStringList, args);
    QFETCH(QString, named);
    const explorer::ParsedCommandLine parsed = explorer::parseExplorerCommandLine(QStringList{"eddpm-explorer"} + args);
    QCOMPARE(int(parsed.next), int(explorer::ParsedCommandLine::Next::exit));
    QCOMPARE(parsed.exitCode, 2);
    QVERIFY2(parsed.text.contains(named), qPrintable(parsed.text));
    QCOMPARE(parsed.text.trimmed().count('\n'), 0);
  }

  // The program itself, with no display at all: --help prints, a bad value is one line and exit 2.
  void explorerProgramNeedsNoDisplayToAnswer() {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const char* name : {"DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"}) env.remove(name);
    auto run = [&env](const QStringList& args) {
      QProcess p;
      p.setProcessEnvironment(env);
      p.start(EDDPM_EXPLORER_PATH, args);
      const bool finished = p.waitForFinished(60000);  // before the reads: argument order is unspecified
      const QString out = p.readAllStandardOutput(), err = p.readAllStandardError();
      return std::make_tuple(finished, p.exitCode(), out, err);
    };
    auto [done, code, out, err] = run({"--help"});
    QVERIFY(done);
    QCOMPARE(code, 0);
    QVERIFY2(out.contains("--iters"), qPrintable(out + err));
    std::tie(done, code, out, err) = run({"--iters", "abc"});
    QVERIFY(done);
    QCOMPARE(code, 2);
    QVERIFY2(err.startsWith("eddpm-explorer: error: --iters"), qPrintable(err));
  }

  void commandLineTakesGoodValues() {
    const explorer::ParsedCommandLine parsed = explorer::parseExplorerCommandLine(
        {"eddpm-explorer", "--data", "rings", "--iters", "4000", "--device", "cuda:1", "--probe-ms", "0", "--autostart"});
    QCOMPARE(int(parsed.next), int(explorer::ParsedCommandLine::Next::run));
    QCOMPARE(parsed.options.data, QString("rings"));
    QCOMPARE(parsed.options.iters, qint64(4000));
    QCOMPARE(parsed.options.device, QString("cuda:1"));
    QCOMPARE(parsed.options.probeMs, 0);
    QVERIFY(parsed.options.autostart);
    const explorer::ParsedCommandLine help = explorer::parseExplorerCommandLine({"eddpm-explorer", "--help"});
    QCOMPARE(int(help.next), int(explorer::ParsedCommandLine::Next::exit));
    QCOMPARE(help.exitCode, 0);
    QVERIFY(help.text.contains("--iters"));
    // Every data set `eddpm train --data` takes, images included.
    for (const QString& data : {"mnist", "mnist:/data/mnist", "folder:/photos/cats", "moons"}) {
      const explorer::ParsedCommandLine images =
          explorer::parseExplorerCommandLine({"eddpm-explorer", "--data", data, "--size", "14"});
      QCOMPARE(int(images.next), int(explorer::ParsedCommandLine::Next::run));
      QCOMPARE(images.options.data, data);
      QCOMPARE(images.options.size, qint64(14));
    }
  }
};

}  // namespace

int run_explorer_options_tests(int argc, char** argv) {
  TestExplorerOptions fixture;
  return QTest::qExec(&fixture, argc, argv);
}

#include "test_explorer_options.moc"
