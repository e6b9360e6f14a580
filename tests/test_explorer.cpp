// The pieces under the explorer's windows: the thread hand-off, background jobs and their
// cancellation, the quality budget, the event-loop probe, the command line.
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <tuple>

#include <QtTest>

#include <QProcess>

#include "background_job.h"
#include "event_loop_probe.h"
#include "explorer_options.h"
#include "settings_conversion.h"
#include "quality_budget.h"
#include "sampler.h"
#include "thread_handoff.h"

using namespace eddpm;

class TestExplorerPlumbing : public QObject {
  Q_OBJECT
 private slots:
  // Tasks posted from another thread run on the handoff's thread, in the order they were posted.
  void handoffRunsTasksInOrderOnItsThread() {
    explorer::ThreadHandoff handoff;
    std::vector<int> order;
    bool allOnThisThread = true;
    std::thread poster([&] {
      for (int i = 0; i < 100; ++i)
        handoff.post([&, i] {
          order.push_back(i);
          allOnThisThread = allOnThisThread && QThread::currentThread() == handoff.thread();
        });
    });
    poster.join();
    QTRY_COMPARE(order.size(), size_t(100));
    for (int i = 0; i < 100; ++i) QCOMPARE(order[i], i);
    QVERIFY(allOnThisThread);
  }

  // A job runs off the GUI thread; its results are there once `finished` arrives, and a job that
  // throws ends with its reason instead of taking the explorer down.
  void backgroundJobReportsResultsAndErrors() {
    explorer::BackgroundJob job;
    QSignalSpy finished(&job, &explorer::BackgroundJob::finished);
    std::thread::id ranOn;
    job.start([&] { ranOn = std::this_thread::get_id(); });
    QVERIFY(job.running());
    QVERIFY(finished.wait(10000));
    QVERIFY(!job.running());
    QVERIFY(ranOn != std::this_thread::get_id());
    QVERIFY(job.error().empty());

    job.start([] { throw std::runtime_error("model file vanished"); });
    QVERIFY(finished.wait(10000));
    QCOMPARE(QString::fromStdString(job.error()), QString("model file vanished"));
  }

  // cancel() ends a job that watches the flag, as cancelled and without an error; a job still
  // running when its owner goes is cancelled and joined (without that this test never ends).
  void backgroundJobIsCancellable() {
    explorer::BackgroundJob job;
    QSignalSpy finished(&job, &explorer::BackgroundJob::finished);
    const std::atomic<bool>* flag = job.cancelFlag();
    auto untilCancelled = [flag] {
      while (!flag->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      throw Cancelled();
    };
    job.start(untilCancelled);
    job.cancel();
    QVERIFY(finished.wait(10000));
    QVERIFY(job.cancelled());
    QVERIFY(job.error().empty());
    job.start([] {});
    QVERIFY(finished.wait(10000));
    QVERIFY(!job.cancelled());
    auto owned = std::make_unique<explorer::BackgroundJob>();
    const std::atomic<bool>* ownedFlag = owned->cancelFlag();
    owned->start([ownedFlag] {
      while (!ownedFlag->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    owned.reset();
  }

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

  // Choosing a model to start from sets what `eddpm train --from` defaults to; a TorchScript file
  // becomes the run's frozen model.
  void startFromSetsTheCliDefaults() {
    widgets::TrainingSettings s;
    s.data = "mnist";
    s.model = "tiny";
    s.runDir = "/tmp/run";
    s.fromCheckpoint = "/models/ddpm/checkpoint.pt";
    widgets::TrainingSettings chosen = explorer::with_start_from_defaults(s);
    QCOMPARE(chosen.warmup, qint64(0));
    QCOMPARE(chosen.semantics, QString("paper"));  // a model that keeps training keeps the defaults
    s.freezeModel = true;
    chosen = explorer::with_start_from_defaults(s);
    QCOMPARE(chosen.semantics, QString("jump"));
    QCOMPARE(chosen.reward, QString("data"));
    s.fromCheckpoint = "eps_model.ts";
    s.freezeModel = false;
    s.model = "torchscript";
    chosen = explorer::with_start_from_defaults(s);
    QVERIFY(chosen.freezeModel);
    const TrainConfig c = explorer::to_train_config(chosen);
    QCOMPARE(QString::fromStdString(c.model), QString("torchscript"));
    QVERIFY(QString::fromStdString(c.model_file).endsWith("/eps_model.ts"));
    QVERIFY(c.freeze_model);
    QCOMPARE(c.semantics, Semantics::Jump);
    s.fromCheckpoint.clear();  // nothing chosen: nothing changes
    s.model = "tiny";
    QCOMPARE(explorer::with_start_from_defaults(s).warmup, s.warmup);
  }

  // Picking a base schedule sets the semantics `eddpm train` gives it (jump where a beta exceeds
  // 0.1), and the run pins its last step under paper semantics only, as the CLI does.
  void baseScheduleSetsTheCliSemantics() {
    widgets::TrainingSettings s;
    s.runDir = "/tmp/run";
    s.beta = "cosine";
    widgets::TrainingSettings chosen = explorer::with_base_schedule_defaults(s);
    QCOMPARE(chosen.semantics, QString("jump"));
    QVERIFY(!explorer::to_train_config(chosen).pin_last);
    s.beta = "quadratic";  // CSDI's range, to 0.5
    QCOMPARE(explorer::with_base_schedule_defaults(s).semantics, QString("jump"));
    s.beta = "linear";
    s.semantics = "jump";
    chosen = explorer::with_base_schedule_defaults(s);
    QCOMPARE(chosen.semantics, QString("paper"));
    QVERIFY(explorer::to_train_config(chosen).pin_last);
    s.freezeModel = true;  // a frozen model keeps the levels it was trained on
    s.fromCheckpoint = "/models/ddpm/checkpoint.pt";
    QCOMPARE(explorer::with_base_schedule_defaults(s).semantics, QString("jump"));
  }

  // Measuring may cost at most its share of the run's time, predicted from the time per sampling step.
  void qualityBudgetPredictsFromTheCostPerStep() {
    explorer::QualityBudget budget(0.03);
    QVERIFY(budget.allows(20, 0));  // nothing known yet: one measurement may start
    budget.spent(20, 2'000'000);     // 20 steps took 2 ms: 0.1 ms a step
    QVERIFY(!budget.allows(20, 100'000'000));   // 2 + 2 ms would be 4% of 100 ms
    QVERIFY(budget.allows(20, 200'000'000));    // 2% of 200 ms
    QVERIFY(!budget.allows(1000, 200'000'000)); // a 1000-step chain: 102 ms
    QVERIFY(budget.allows(1000, 3'400'000'000));
    QCOMPARE(budget.spentNs(), int64_t(2'000'000));
    explorer::QualityBudget images(0.01);
    images.setPrior(50'000'000);  // 50 ms a step, guessed from the training rate
    QVERIFY(!images.allows(20, 10'000'000'000));  // 1 s would be 10% of 10 s
    QVERIFY(images.allows(20, 100'000'000'000));  // 1% of 100 s
    images.spent(20, 200'000'000);                // it took 10 ms a step: now that counts
    QVERIFY(images.allows(20, 40'000'000'000));
  }

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


QTEST_GUILESS_MAIN(TestExplorerPlumbing)
#include "test_explorer.moc"
