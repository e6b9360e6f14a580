// The training window as a user drives it: train, watch, pause, stop, resume, close, reopen.
#include "explorer_test_runs.h"

#include <QtTest>

#include <algorithm>

#include <QDateTime>
#include <QFileInfo>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QTemporaryDir>

#include "explorer_types.h"
#include "main_window.h"
#include "mask_history_heatmap.h"
#include "mask_probability_plot.h"
#include "sampling_page.h"
#include "time_series_plot.h"
#include "training_setup_panel.h"
#include "image_grid_view.h"
#include "training_view.h"

using namespace eddpm;
using namespace eddpm::test;
using explorer::MainWindow;

// The training window as a user drives it: start, watch, pause, stop, resume, close, reopen.
// Each test has its own folder and settings.
class TestTrainingWindow : public QObject {
  Q_OBJECT
  std::unique_ptr<QTemporaryDir> dir_;
  QString path(const QString& name) const { return dir_->filePath(name); }

  // The iteration of the checkpoint a window's run just saved, read once the Sample page has
  // loaded it (it does on its job thread when a run ends). Two threads starting LibTorch's loader at
  // once initialize its function statics behind guards that ThreadSanitizer cannot see in the
  // uninstrumented library: the TSan preset then reports races inside LibTorch's own objects.
  static int64_t savedIteration(const MainWindow& window, const QString& run) {
    if (!QTest::qWaitFor([&] { return !window.samplingPage()->busy(); }, 60000)) return -1;
    return checkpoint_iteration(run);
  }

 private slots:
  void initTestCase() {
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName("eddpm-tests");
    QCoreApplication::setApplicationName("test_training_window");
    explorer::registerExplorerTypes();
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
    QCOMPARE(savedIteration(window, run), int64_t(600));

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

  // An image run trains from the window: the quality plot measures it, the preview grids show the
  // learned and uniform schedules' samples, and the Sample page opens its model at the end.
  void imageTrainingShowsPreviewGrids() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    QSignalSpy ended(&window, &MainWindow::trainingEnded);
    QSignalSpy opened(window.samplingPage(), &explorer::SamplingPage::checkpointLoaded);
    const QString run = path("images");
    window.startTraining(quick_image_run(run, "folder:" + image_folder(path("pictures"), 40), 60));
    QVERIFY(ended.wait(120000));
    QCOMPARE(ended.last().at(1).toBool(), true);
    widgets::TrainingView* view = window.trainingView();
    QVERIFY(view->qualityPlot()->pointCount(0) >= 1);
    QVERIFY(view->qualityPlot()->yAxis->label().startsWith("SWD"));
    QCOMPARE(view->learnedPreview()->imageCount(), 16);
    QCOMPARE(view->uniformPreview()->imageCount(), 16);
    QCOMPARE(view->learnedPreview()->grid().width(), 4 * 9 - 1);  // 4 columns of 8x8 images
    QVERIFY(view->learnedPreview()->isVisibleTo(&window));
    QVERIFY(opened.count() == 1 || opened.wait(60000));
    QCOMPARE(savedIteration(window, run), int64_t(60));
    // A 2-D run hides the previews again.
    window.startTraining(quick_run(path("points"), 100));
    QVERIFY(!view->learnedPreview()->isVisibleTo(&window));
    QVERIFY(ended.wait(120000));
  }

  // A message longer than any screen (a failed load of a deeply nested file) is elided where it is
  // shown, whole in the tooltip and on standard error, and the window keeps its width.
  void longErrorsDoNotWidenTheWindow() {
    MainWindow window;
    window.setAskBeforeClosing(false);
    window.resize(1000, 700);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    window.tabs()->setCurrentWidget(window.samplingPage());
    const int width = window.width();
    QSignalSpy failed(window.samplingPage(), &explorer::SamplingPage::failed);
    const QString nowhere = path(QString("deeply/nested/folder/").repeated(30) + "checkpoint.pt");
    window.samplingPage()->setCheckpoint(nowhere);
    QVERIFY(failed.wait(30000));
    QVERIFY(window.samplingPage()->statusText().startsWith("Could not load " + nowhere));
    // The label asks its layouts again; each level answers in its own posted event.
    for (int level = 0; level < 8; ++level) QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    QCOMPARE(window.width(), width);
    QVERIFY(window.samplingPage()->minimumSizeHint().width() < width);
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
    QCOMPARE(savedIteration(window, run), int64_t(heldAt));
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
    QCOMPARE(shown.config.beta.T, 50);
    QCOMPARE(shown.config.steps_kept(), 5);
    QCOMPARE(shown.config.batch, int64_t(64));
    QCOMPARE(shown.config.beta.kind, BetaKind::Quadratic);
    QCOMPARE(QDir(shown.runDir).absolutePath(), QDir(run).absolutePath());
    QTest::mouseClick(window.setupPanel()->stopButton(), Qt::LeftButton);
    QVERIFY(ended.wait(30000));
    QCOMPARE(savedIteration(window, run), int64_t(ended.last().at(2).toLongLong()));
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
    s.config.device = "cuda";
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
    QCOMPARE(window.setupPanel()->settings().config.device, std::string("cpu"));
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
    settings.config.keep = 8.0 / settings.config.beta.T;
    settings.config.lr_s = 0.05;
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

  // A run another process is still writing (a cluster run on a shared folder): what it appends joins
  // the plots, a line cut mid-write waits for its end, and a run started again over it starts the
  // plots again.
  void aRunStillBeingWrittenIsFollowed() {
    const QString finished = path("written");
    train_run(finished, 600);
    auto linesOf = [](const QString& file) {
      QFile f(file);
      return f.open(QIODevice::ReadOnly) ? f.readAll().split('\n') : QList<QByteArray>();
    };
    const QList<QByteArray> metrics = linesOf(finished + "/metrics.jsonl"), history = linesOf(finished + "/mask_history.csv");
    QVERIFY(metrics.size() > 4 && history.size() > 4);
    const QString live = path("live");
    QVERIFY(QDir().mkpath(live));
    auto write = [&live](const QString& name, const QList<QByteArray>& lines, int from, int to, const QByteArray& tail = {}) {
      QFile f(live + "/" + name);
      QVERIFY(f.open(from == 0 ? QIODevice::WriteOnly : QIODevice::Append));
      for (int i = from; i < to; ++i) f.write(lines[i] + "\n");
      f.write(tail);
    };
    write("metrics.jsonl", metrics, 0, 2);
    write("mask_history.csv", history, 0, 3);  // the header and two frames
    MainWindow window;
    QVERIFY(window.openRun(live));
    auto* plot = window.trainingView()->sparsityPlot();
    QCOMPARE(plot->pointCount(0), 2);
    write("metrics.jsonl", metrics, 2, 3, metrics[3].left(10));  // a line and a cut one
    QTRY_COMPARE_WITH_TIMEOUT(plot->pointCount(0), 3, 10000);
    {  // the cut line's end, then the rest
      QFile f(live + "/metrics.jsonl");
      QVERIFY(f.open(QIODevice::Append));
      f.write(metrics[3].mid(10) + "\n");
      for (int i = 4; i < metrics.size(); ++i)
        if (!metrics[i].isEmpty()) f.write(metrics[i] + "\n");
    }
    write("mask_history.csv", history, 3, history.size() - 1);
    const int all = int(std::count_if(metrics.begin(), metrics.end(), [](const QByteArray& l) { return !l.isEmpty(); }));
    QTRY_COMPARE_WITH_TIMEOUT(plot->pointCount(0), all, 10000);
    QTRY_COMPARE_WITH_TIMEOUT(window.trainingView()->maskPlot()->frame().iteration, qint64(600), 10000);
    // Started again with --overwrite: shorter logs.
    write("metrics.jsonl", metrics, 0, 1);
    write("mask_history.csv", history, 0, 2);
    QTRY_COMPARE_WITH_TIMEOUT(plot->pointCount(0), 1, 10000);
  }

  void settingsPersist() {
    {
      MainWindow window;
      window.setAskBeforeClosing(false);
      auto s = quick_run(path("persist"), 1234);
      s.config.data = "rings";
      window.setupPanel()->setSettings(s);
      window.close();
    }
    MainWindow again;
    QCOMPARE(again.setupPanel()->settings().config.data, std::string("rings"));
    QCOMPARE(again.setupPanel()->settings().config.iters, int64_t(1234));
  }
};


QTEST_MAIN(TestTrainingWindow)
#include "test_training_window.moc"
