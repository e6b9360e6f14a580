// The explorer as a user drives it: train, watch, pause, stop, reopen, sample, compare, export.
#include <torch/torch.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <tuple>

#include "png_file.h"
#include "schedule_file.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QDateTime>
#include <QFileInfo>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>

#include "background_job.h"
#include "sampler.h"
#include "sampling_service.h"
#include "checkpoint.h"
#include "settings_conversion.h"
#include "training_run.h"
#include "event_loop_probe.h"
#include "explorer_options.h"
#include "quality_budget.h"
#include "explorer_types.h"
#include "main_window.h"
#include "mask_history_heatmap.h"
#include "mask_probability_plot.h"
#include "sampling_page.h"
#include "schedule_strip.h"
#include "time_series_plot.h"
#include "training_setup_panel.h"
#include "training_view.h"
#include "thread_handoff.h"
#include "training_worker.h"

using namespace eddpm;
using explorer::MainWindow;

namespace {
widgets::TrainingSettings quick_run(const QString& dir, qint64 iters) {
  widgets::TrainingSettings s;
  s.T = 50;
  s.beta = "quadratic";
  s.stepsKept = 5;
  s.iters = iters;
  s.warmup = iters / 5;
  s.rampEnd = iters * 4 / 5;
  s.batch = 64;
  s.device = "cpu";
  s.runDir = dir;
  return s;
}

// A run folder made by the engine alone (no window): the quick run's settings, stopped by the
// stop flag at `stopAt` when that is before its end. Tests that open or resume a run make their own.
void train_run(const QString& dir, qint64 iters, int64_t stopAt = -1) {
  EddpmTrainer trainer(explorer::to_train_config(quick_run(dir, iters)), torch::kCPU);
  std::atomic<bool> stop{false};
  RunCallbacks callbacks;
  callbacks.stop = &stop;
  callbacks.before_iteration = [&] { stop = trainer.iteration() + 1 == stopAt; };  // after this iteration
  run_training(trainer, dir.toStdString(), callbacks);
}

int64_t checkpoint_iteration(const QString& runDir) {
  return load_checkpoint(QDir(runDir).filePath("checkpoint.pt").toStdString(), "cpu")->iteration();
}
}  // namespace

// The pieces under the explorer's windows: the thread hand-off, background jobs, the quality
// budget and the event-loop probe.
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
    QTest::newRow("--data mnist") << QStringList{"--data", "mnist"} << "--data";
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

// The training window as a user drives it: start, watch, pause, stop, resume, close, reopen.
// Each test has its own folder and settings.
class TestTrainingWindow : public QObject {
  Q_OBJECT
  std::unique_ptr<QTemporaryDir> dir_;
  QString path(const QString& name) const { return dir_->filePath(name); }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("eddpm-tests");
    QCoreApplication::setApplicationName("test_explorer");
  }

  void init() {
    dir_ = std::make_unique<QTemporaryDir>();
    QSettings().clear();
  }

  void cleanup() {
    QSettings().clear();
    dir_.reset();
  }

  void shortTrainingFeedsEveryPlot() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    const QString run = path("run");
    window.startTraining(quick_run(run, 600));
    QVERIFY(window.isTraining());
    QVERIFY(ended.wait(120000));
    QCOMPARE(ended.last().at(1).toBool(), true);
    QCOMPARE(ended.last().at(2).toLongLong(), qint64(600));
    widgets::TrainingView* view = window.trainingView();
    QCOMPARE(view->maskPlot()->frame().s.size(), 50);
    QCOMPARE(view->maskPlot()->frame().iteration, qint64(600));
    QCOMPARE(view->maskPlot()->highlightedCount(), 5);
    QVERIFY(view->heatmap()->rowCount() > 3);
    QVERIFY(view->sparsityPlot()->pointCount(0) > 3);
    QVERIFY(view->lossPlot()->pointCount(0) > 3);
    QVERIFY(view->qualityPlot()->pointCount(0) >= 2);
    QVERIFY(view->qualityPlot()->pointCount(2) >= 1);
    QCOMPARE(view->qualityPlot()->graph(0)->scatterStyle().shape(), QCPScatterStyle::ssDisc);
    QCOMPARE(view->qualityPlot()->graph(2)->scatterStyle().shape(), QCPScatterStyle::ssCircle);
    for (const char* f : {"checkpoint.pt", "metrics.jsonl", "mask_history.csv", "schedule_learned.json"})
      QVERIFY2(QFile::exists(run + "/" + f), f);
    QCOMPARE(checkpoint_iteration(run), int64_t(600));

    // The next Start goes to a new folder, and a folder that holds a run is not written over.
    QVERIFY(QDir(window.setupPanel()->settings().runDir).absolutePath() != QDir(run).absolutePath());
    const QDateTime written = QFileInfo(run + "/checkpoint.pt").lastModified();
    window.startTraining(quick_run(run, 600));
    QVERIFY(!window.isTraining());
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox*>()) != nullptr);
    QVERIFY(box->text().contains("already holds a run"));
    QCOMPARE(QFileInfo(run + "/checkpoint.pt").lastModified(), written);
  }

  // Pause holds the run at one iteration (Stop while paused ends exactly there), Resume goes on,
  // and the checkpoint saved at Stop is the stopped iteration's, not the one saved at the start.
  void pauseResumeAndStop() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    widgets::TrainingSetupPanel* panel = window.setupPanel();
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    QSignalSpy paused(&window, &MainWindow::trainingPaused);
    const QString run = path("long");
    window.startTraining(quick_run(run, 1000000));
    auto iteration = [&] { return window.trainingView()->maskPlot()->frame().iteration; };
    QTRY_VERIFY_WITH_TIMEOUT(iteration() > 0, 30000);
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QCOMPARE(panel->state(), widgets::TrainingSetupPanel::State::Paused);
    QVERIFY(paused.wait(30000));
    const qint64 firstPause = paused.last().at(0).toLongLong();
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(iteration() > firstPause, 30000);
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QVERIFY(paused.wait(30000));
    const qint64 heldAt = paused.last().at(0).toLongLong();
    QVERIFY(heldAt > firstPause);
    QTest::mouseClick(panel->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
    QCOMPARE(ended.last().at(1).toBool(), false);
    QCOMPARE(ended.last().at(2).toLongLong(), heldAt);
    QCOMPARE(panel->state(), widgets::TrainingSetupPanel::State::Idle);
    QCOMPARE(checkpoint_iteration(run), int64_t(heldAt));
  }

  // A stopped run continues from its checkpoint, its history replayed first.
  void resumeContinuesAStoppedRun() {
    const QString run = path("stopped");
    train_run(run, 1000000, 130);
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    window.setupPanel()->setSettings(widgets::TrainingSettings{});  // T 1000, batch 256: not the run's
    QVERIFY(window.resumeRun(run));
    const qint64 replayed = window.trainingView()->maskPlot()->frame().iteration;
    QCOMPARE(replayed, qint64(100));  // the last logged row before the stop
    QTRY_VERIFY_WITH_TIMEOUT(window.trainingView()->maskPlot()->frame().iteration > 130, 30000);
    // The panel shows the run being trained, not what it held before.
    const widgets::TrainingSettings shown = window.setupPanel()->settings();
    QCOMPARE(shown.T, 50);
    QCOMPARE(shown.stepsKept, 5);
    QCOMPARE(shown.batch, 64);
    QCOMPARE(shown.beta, QString("quadratic"));
    QCOMPARE(QDir(shown.runDir).absolutePath(), QDir(run).absolutePath());
    QTest::mouseClick(window.setupPanel()->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
    QCOMPARE(checkpoint_iteration(run), int64_t(ended.last().at(2).toLongLong()));
    QVERIFY(!window.resumeRun(path("nowhere")));
  }

  // A device error (here CUDA asked for where there is none; a GPU out of memory reads alike)
  // offers to resume on the CPU, and the button does.
  void deviceFailureOffersToResumeOnTheCpu() {
    if (torch::cuda::is_available()) QSKIP("this machine has CUDA: the failure cannot be provoked this way");
    const QString run = path("stopped");
    train_run(run, 1000000, 130);
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    widgets::TrainingSettings s = window.setupPanel()->settings();
    s.device = "cuda";
    window.setupPanel()->setSettings(s);
    QVERIFY(window.resumeRun(run));
    QVERIFY(ended.wait(30000));
    QVERIFY(!window.isTraining());
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox*>("deviceFailure")) != nullptr);
    QVERIFY(box->text().contains("CUDA"));
    auto* onCpu = box->findChild<QPushButton*>("resumeOnCpu");
    QVERIFY(onCpu);
    onCpu->click();
    QCOMPARE(window.setupPanel()->settings().device, QString("cpu"));
    QVERIFY(window.isTraining());
    QTRY_VERIFY_WITH_TIMEOUT(window.trainingView()->maskPlot()->frame().iteration > 130, 30000);
    QTest::mouseClick(window.setupPanel()->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
  }

  // Changing K while training runs reaches the trainer within an iteration: the learned top-K
  // the plots show takes the new size.
  void targetKChangesWhileRunning() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    auto settings = quick_run(path("live"), 1000000);
    window.startTraining(settings);
    widgets::MaskProbabilityPlot* plot = window.trainingView()->maskPlot();
    QTRY_VERIFY_WITH_TIMEOUT(plot->frame().iteration > 0, 30000);
    QCOMPARE(plot->highlightedCount(), 5);
    settings.stepsKept = 8;
    settings.lrS = 0.05;
    window.setupPanel()->setSettings(settings);
    QTRY_COMPARE_WITH_TIMEOUT(plot->highlightedCount(), 8, 30000);
    QTest::mouseClick(window.setupPanel()->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
  }

  // Closing the window while it trains stops the run and saves where it stopped: at or past the
  // last iteration the window showed, never the checkpoint of iteration 0.
  void closingDuringTrainingStopsCleanly() {
    auto* window = new MainWindow;
    window->setAskBeforeClosing(false);
    window->startTraining(quick_run(path("closed"), 1000000));
    QTRY_VERIFY_WITH_TIMEOUT(window->trainingView()->maskPlot()->frame().iteration > 0, 30000);
    const qint64 shown = window->trainingView()->maskPlot()->frame().iteration;
    QVERIFY(window->close());
    delete window;
    QVERIFY(checkpoint_iteration(path("closed")) >= shown);
  }

  void savedRunReplays() {
    const QString run = path("finished");
    train_run(run, 600);
    MainWindow window;
    QVERIFY(window.openRun(run));
    QVERIFY(window.trainingView()->sparsityPlot()->pointCount(0) > 3);
    QCOMPARE(window.trainingView()->maskPlot()->frame().s.size(), 50);
    QCOMPARE(window.trainingView()->maskPlot()->frame().iteration, qint64(600));
    QVERIFY(!window.openRun(path("nowhere")));
  }

  void settingsPersist() {
    {
      MainWindow window;
      window.setAskBeforeClosing(false);
      auto s = quick_run(path("persist"), 1234);
      s.data = "rings";
      window.setupPanel()->setSettings(s);
      window.close();
    }
    MainWindow again;
    QCOMPARE(again.setupPanel()->settings().data, QString("rings"));
    QCOMPARE(again.setupPanel()->settings().iters, qint64(1234));
  }
};

// The Sample & compare page on a trained run that this fixture makes once and no test changes;
// each test writes its exports to its own folder.
class TestSamplingPage : public QObject {
  Q_OBJECT
  QTemporaryDir runs_;
  QString checkpoint_;
  std::unique_ptr<QTemporaryDir> dir_;
  QString path(const QString& name) const { return dir_->filePath(name); }

 private slots:
  void initTestCase() {
    train_run(runs_.filePath("trained"), 600);
    checkpoint_ = runs_.filePath("trained/checkpoint.pt");
  }

  void init() { dir_ = std::make_unique<QTemporaryDir>(); }
  void cleanup() { dir_.reset(); }

  void everyScheduleKindPreviews() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setManualSteps({49, 25, 3});
    for (const QString& kind : {"learned", "manual", "uniform", "trailing", "linspace", "quadratic", "logsnr", "karras",
                                "kl-optimal", "elbo-dp"}) {
      preview.clear();
      page.setChecked({kind});
      QVERIFY2(preview.wait(30000), qPrintable(kind));
      QCOMPARE(page.strip()->schedules().size(), 1);
      QVERIFY2(!page.strip()->schedules().front().timesteps.isEmpty(), qPrintable(kind));
      QVERIFY2(page.strip()->schedules().front().timesteps.size() <= 10, qPrintable(kind));
    }
  }

  void manualStepsToggleByClicking() {
    explorer::SamplingPage page;
    page.resize(1200, 800);
    page.show();
    QVERIFY(QTest::qWaitForWindowExposed(&page));
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setChecked({"manual"});
    page.setManualSteps({49, 10});
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().value(0).timesteps == QVector<int>({49, 10}), 30000);
    QTest::mouseClick(page.strip(), Qt::LeftButton, {}, page.strip()->positionOf(30));
    QTRY_VERIFY_WITH_TIMEOUT(!page.busy() && page.strip()->schedules().value(0).timesteps == QVector<int>({49, 30, 10}), 30000);
  }

  void compareThreeSchedulesAndExport() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(&page, &explorer::SamplingPage::previewReady);
    page.setChecked({"learned", "uniform", "karras"});
    QVERIFY(preview.wait(30000));
    QSignalSpy sampled(&page, &explorer::SamplingPage::samplesReady);
    page.requestSample();
    QVERIFY(sampled.wait(60000));
    QCOMPARE(page.outcomes().size(), 3);
    QCOMPARE(page.table()->rowCount(), 3);
    for (const auto& o : page.outcomes()) {
      QVERIFY2(o.error.isEmpty(), qPrintable(o.error));
      QCOMPARE(o.points.size(), 2 * 2000);
      QVERIFY(o.swd > 0);
      QVERIFY(o.fidelitySwd > 0);  // a few steps never reproduce the full chain's set
    }
    QCOMPARE(page.table()->horizontalHeaderItem(5)->text(), QString("fidelity SWD"));
    QCOMPARE(page.table()->item(0, 5)->text().toDouble(), std::round(page.outcomes()[0].fidelitySwd * 1e4) / 1e4);

    QString error;
    const std::string json = path("learned.json").toStdString();
    QVERIFY(page.saveSchedule(0, QString::fromStdString(json), &error));
    const ScheduleFile file = load_schedule_json(json);
    QCOMPARE(QVector<int>(file.timesteps.begin(), file.timesteps.end()), page.outcomes()[0].schedule.timesteps);
    QVERIFY(page.saveSchedule(1, path("uniform.csv"), &error));
    QFile csv(path("uniform.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), page.outcomes()[1].schedule.timesteps.size() + 1);

    QVERIFY(page.saveSamples(2, path("karras.png"), &error));
    const auto text = read_png_text(path("karras.png").toStdString());
    QVERIFY(QString::fromStdString(text.at("parameters")).startsWith("schedule: karras ["));
    QVERIFY(page.saveSamples(2, path("karras.csv"), &error));

    QVERIFY(page.saveComparison(path("compare.json"), &error));
    QFile report(path("compare.json"));
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QJsonArray rows = QJsonDocument::fromJson(report.readAll()).array();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[2].toObject()["schedule"].toString(), QString("karras"));
    QVERIFY(QFileInfo(path("compare.png")).size() > 1000);

    QSignalSpy swept(&page, &explorer::SamplingPage::sweepReady);
    page.requestSweep();
    QVERIFY(swept.wait(60000));
  }

  // The service's sampling and sweeps stop at once when the cancel flag is set.
  void samplingAndSweepsStopWhenCancelled() {
    explorer::SamplingService service;
    std::atomic<bool> cancel{false};
    service.setCancelFlag(&cancel);
    QString error;
    QVERIFY2(service.load(checkpoint_, &error), qPrintable(error));
    QCOMPARE(service.sweep({"uniform"}, {2, 5}, 100, 1).size(), 2);
    cancel = true;
    QVERIFY_THROWS_EXCEPTION(Cancelled, service.sweep({"uniform", "karras"}, {2, 5, 10}, 100, 1));
    QVERIFY_THROWS_EXCEPTION(Cancelled, service.sample({{"uniform", 5, {}, {}}}, 100, 0.0, 1));
  }

  // Closing the page while a sweep runs cancels it: the page goes at the sweep's next step.
  void closingDuringASweepCancelsIt() {
    auto page = std::make_unique<explorer::SamplingPage>();
    QSignalSpy loaded(page.get(), &explorer::SamplingPage::checkpointLoaded);
    page->setCheckpoint(checkpoint_);
    QVERIFY(loaded.wait(30000));
    QSignalSpy preview(page.get(), &explorer::SamplingPage::previewReady);
    page->setChecked({"uniform", "karras", "trailing", "quadratic"});
    QVERIFY(preview.wait(30000));
    page->requestSweep();
    QVERIFY(page->busy());
    QVERIFY(page->cancelButton()->isEnabled());
    page.reset();
  }

  void badCheckpointIsReportedNotFatal() {
    explorer::SamplingPage page;
    QFile junk(path("junk.pt"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("junk");
    junk.close();
    QSignalSpy failed(&page, &explorer::SamplingPage::failed);
    page.setCheckpoint(path("junk.pt"));
    QVERIFY(failed.wait(30000));
    QVERIFY(failed.last().first().toString().contains("not a readable checkpoint"));
  }
};

// Every fixture runs (or those that have the test functions named on the command line, as
// `test_explorer pauseResumeAndStop` asks); any failure reaches the exit code.
namespace {
bool hasAnyNamedFunction(const QObject& fixture, const QStringList& names) {
  if (names.isEmpty()) return true;
  const QMetaObject* meta = fixture.metaObject();
  for (const QString& name : names)
    for (int i = meta->methodOffset(); i < meta->methodCount(); ++i)
      if (QString(meta->method(i).name()) == name.section(':', 0, 0)) return true;
  return false;
}
}  // namespace

int main(int argc, char** argv) {
  QApplication app(argc, argv);
  explorer::registerExplorerTypes();
  // Qt Test's options that take a value: what follows them is not a test function's name.
  const QStringList withValue = {"-o", "-maxwarnings", "-eventdelay", "-keydelay", "-mousedelay", "-seed", "-platform"};
  QStringList named;
  for (int i = 1; i < argc; ++i)
    if (argv[i][0] != '-' && (i == 1 || !withValue.contains(argv[i - 1]))) named << argv[i];
  TestExplorerPlumbing plumbing;
  TestTrainingWindow window;
  TestSamplingPage page;
  int failed = 0;
  for (QObject* fixture : std::initializer_list<QObject*>{&plumbing, &window, &page})
    if (hasAnyNamedFunction(*fixture, named)) failed += QTest::qExec(fixture, argc, argv);
  return failed == 0 ? 0 : 1;
}

#include "test_explorer.moc"
