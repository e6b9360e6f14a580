// The explorer as a user drives it: train, watch, pause, stop, reopen, sample, compare, export.
#include <torch/torch.h>

#include <thread>

#include "png_file.h"
#include "schedule_file.h"

#include <QtTest>

#include <QJsonArray>
#include <QJsonDocument>
#include <QMessageBox>
#include <QPushButton>
#include <QDateTime>
#include <QFileInfo>
#include <QSettings>
#include <QTableWidget>
#include <QTemporaryDir>

#include "background_job.h"
#include "event_loop_probe.h"
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
}  // namespace

class TestExplorer : public QObject {
  Q_OBJECT
  QTemporaryDir dir_;
  QString trainedRun_;

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
    QTimer::singleShot(100, [] {
      QElapsedTimer busy;
      busy.start();
      while (busy.elapsed() < 120) {
      }
    });
    QTest::qWait(400);
    probe.stop();
    const std::vector<double>& latencies = probe.latenciesMs();
    QVERIFY2(latencies.size() >= 20, qPrintable(QString::number(latencies.size())));
    QVERIFY2(explorer::percentile(latencies, 100) >= 100.0, qPrintable(QString::number(explorer::percentile(latencies, 100))));
    QVERIFY2(explorer::percentile(latencies, 50) < 20.0, qPrintable(QString::number(explorer::percentile(latencies, 50))));
    QCOMPARE(explorer::percentile({4.0, 1.0, 3.0, 2.0}, 50), 2.0);
    QCOMPARE(explorer::percentile({4.0, 1.0, 3.0, 2.0}, 99), 4.0);
    QCOMPARE(explorer::percentile({}, 99), 0.0);
  }

  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("eddpm-tests");
    QCoreApplication::setApplicationName("test_explorer");
    QSettings().clear();
    explorer::registerExplorerTypes();
  }

  void shortTrainingFeedsEveryPlot() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    trainedRun_ = dir_.filePath("run");
    window.startTraining(quick_run(trainedRun_, 600));
    QVERIFY(window.isTraining());
    QVERIFY(ended.wait(120000));
    QCOMPARE(ended.last().at(1).toBool(), true);
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
      QVERIFY2(QFile::exists(trainedRun_ + "/" + f), f);

    // The next Start goes to a new folder, and a folder that holds a run is not written over.
    QVERIFY(QDir(window.setupPanel()->settings().runDir).absolutePath() != QDir(trainedRun_).absolutePath());
    const QDateTime written = QFileInfo(trainedRun_ + "/checkpoint.pt").lastModified();
    window.startTraining(quick_run(trainedRun_, 600));
    QVERIFY(!window.isTraining());
    QMessageBox* box = nullptr;
    QTRY_VERIFY((box = window.findChild<QMessageBox*>()) != nullptr);
    QVERIFY(box->text().contains("already holds a run"));
    QCOMPARE(QFileInfo(trainedRun_ + "/checkpoint.pt").lastModified(), written);
  }

  void pauseResumeAndStop() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    widgets::TrainingSetupPanel* panel = window.setupPanel();
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    window.startTraining(quick_run(dir_.filePath("long"), 1000000));
    auto iteration = [&] { return window.trainingView()->maskPlot()->frame().iteration; };
    QTRY_VERIFY_WITH_TIMEOUT(iteration() > 0, 30000);
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QCOMPARE(panel->state(), widgets::TrainingSetupPanel::State::Paused);
    QTest::qWait(300);  // let snapshots in flight arrive
    const qint64 pausedAt = iteration();
    QTest::qWait(500);
    QCOMPARE(iteration(), pausedAt);
    QTest::mouseClick(panel->pauseButton(), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(iteration() > pausedAt, 30000);
    QTest::mouseClick(panel->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
    QCOMPARE(ended.last().at(1).toBool(), false);
    QCOMPARE(panel->state(), widgets::TrainingSetupPanel::State::Idle);
    QVERIFY(QFile::exists(dir_.filePath("long/checkpoint.pt")));
  }

  // The run stopped above continues from its checkpoint, its history replayed first.
  void resumeContinuesAStoppedRun() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    const QString run = dir_.filePath("long");
    window.setupPanel()->setSettings(widgets::TrainingSettings{});  // T 1000, batch 256: not the run's
    QVERIFY(window.resumeRun(run));
    const qint64 replayed = window.trainingView()->maskPlot()->frame().iteration;
    QVERIFY(replayed > 0);
    QTRY_VERIFY_WITH_TIMEOUT(window.trainingView()->maskPlot()->frame().iteration > replayed, 30000);
    // The panel shows the run being trained, not what it held before.
    const widgets::TrainingSettings shown = window.setupPanel()->settings();
    QCOMPARE(shown.T, 50);
    QCOMPARE(shown.stepsKept, 5);
    QCOMPARE(shown.batch, 64);
    QCOMPARE(shown.beta, QString("quadratic"));
    QCOMPARE(QDir(shown.runDir).absolutePath(), QDir(run).absolutePath());
    QTest::mouseClick(window.setupPanel()->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
    QVERIFY(!window.resumeRun(dir_.filePath("nowhere")));
  }

  // A device error (here CUDA asked for where there is none; a GPU out of memory reads alike)
  // offers to resume on the CPU, and the button does.
  void deviceFailureOffersToResumeOnTheCpu() {
    if (torch::cuda::is_available()) QSKIP("this machine has CUDA: the failure cannot be provoked this way");
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    widgets::TrainingSettings s = window.setupPanel()->settings();
    s.device = "cuda";
    window.setupPanel()->setSettings(s);
    QVERIFY(window.resumeRun(dir_.filePath("long")));
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
    const qint64 replayed = window.trainingView()->maskPlot()->frame().iteration;
    QTRY_VERIFY_WITH_TIMEOUT(window.trainingView()->maskPlot()->frame().iteration > replayed, 30000);
    QTest::mouseClick(window.setupPanel()->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
  }

  // Changing K while training runs reaches the trainer within an iteration: the learned top-K
  // the plots show takes the new size.
  void targetKChangesWhileRunning() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    auto settings = quick_run(dir_.filePath("live"), 1000000);
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

  void closingDuringTrainingStopsCleanly() {
    auto* window = new MainWindow;
    window->setAskBeforeClosing(false);
    window->startTraining(quick_run(dir_.filePath("closed"), 1000000));
    QTRY_VERIFY_WITH_TIMEOUT(window->trainingView()->maskPlot()->frame().iteration > 0, 30000);
    QVERIFY(window->close());
    delete window;
    QVERIFY(QFile::exists(dir_.filePath("closed/checkpoint.pt")));
  }

  void savedRunReplays() {
    MainWindow window;
    QVERIFY(window.openRun(trainedRun_));
    QVERIFY(window.trainingView()->sparsityPlot()->pointCount(0) > 3);
    QCOMPARE(window.trainingView()->maskPlot()->frame().s.size(), 50);
    QVERIFY(!window.openRun(dir_.filePath("nowhere")));
  }

  void settingsPersist() {
    {
      MainWindow window;
      window.setAskBeforeClosing(false);
      auto s = quick_run(dir_.filePath("persist"), 1234);
      s.data = "rings";
      window.setupPanel()->setSettings(s);
      window.close();
    }
    MainWindow again;
    QCOMPARE(again.setupPanel()->settings().data, QString("rings"));
    QCOMPARE(again.setupPanel()->settings().iters, qint64(1234));
  }

  void everyScheduleKindPreviews() {
    explorer::SamplingPage page;
    QSignalSpy loaded(&page, &explorer::SamplingPage::checkpointLoaded);
    page.setCheckpoint(trainedRun_ + "/checkpoint.pt");
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
    page.setCheckpoint(trainedRun_ + "/checkpoint.pt");
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
    page.setCheckpoint(trainedRun_ + "/checkpoint.pt");
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
    const std::string json = dir_.filePath("learned.json").toStdString();
    QVERIFY(page.saveSchedule(0, QString::fromStdString(json), &error));
    const ScheduleFile file = load_schedule_json(json);
    QCOMPARE(QVector<int>(file.timesteps.begin(), file.timesteps.end()), page.outcomes()[0].schedule.timesteps);
    QVERIFY(page.saveSchedule(1, dir_.filePath("uniform.csv"), &error));
    QFile csv(dir_.filePath("uniform.csv"));
    QVERIFY(csv.open(QIODevice::ReadOnly));
    QCOMPARE(QString(csv.readAll()).trimmed().split('\n').size(), page.outcomes()[1].schedule.timesteps.size() + 1);

    QVERIFY(page.saveSamples(2, dir_.filePath("karras.png"), &error));
    const auto text = read_png_text(dir_.filePath("karras.png").toStdString());
    QVERIFY(QString::fromStdString(text.at("parameters")).startsWith("schedule: karras ["));
    QVERIFY(page.saveSamples(2, dir_.filePath("karras.csv"), &error));

    QVERIFY(page.saveComparison(dir_.filePath("compare.json"), &error));
    QFile report(dir_.filePath("compare.json"));
    QVERIFY(report.open(QIODevice::ReadOnly));
    const QJsonArray rows = QJsonDocument::fromJson(report.readAll()).array();
    QCOMPARE(rows.size(), 3);
    QCOMPARE(rows[2].toObject()["schedule"].toString(), QString("karras"));
    QVERIFY(QFileInfo(dir_.filePath("compare.png")).size() > 1000);

    QSignalSpy swept(&page, &explorer::SamplingPage::sweepReady);
    page.requestSweep();
    QVERIFY(swept.wait(60000));
  }

  void badCheckpointIsReportedNotFatal() {
    explorer::SamplingPage page;
    QFile junk(dir_.filePath("junk.pt"));
    QVERIFY(junk.open(QIODevice::WriteOnly));
    junk.write("junk");
    junk.close();
    QSignalSpy failed(&page, &explorer::SamplingPage::failed);
    page.setCheckpoint(dir_.filePath("junk.pt"));
    QVERIFY(failed.wait(30000));
    QVERIFY(failed.last().first().toString().contains("not a readable checkpoint"));
  }
};

QTEST_MAIN(TestExplorer)
#include "test_explorer.moc"
