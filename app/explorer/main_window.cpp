#include "main_window.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QSettings>
#include <QScrollArea>
#include <QScrollBar>
#include <QSplitter>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>

#include <cstdio>

#include "find_steps_dialog.h"
#include "live_plot.h"
#include "run_folder.h"
#include "run_follower.h"
#include "run_replay.h"
#include "save_file.h"
#include "settings_conversion.h"
#include "sampling_page.h"
#include "training_setup_panel.h"
#include "training_view.h"
#include "training_worker.h"

namespace eddpm::explorer {

using widgets::TrainingSetupPanel;

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
  setWindowTitle(tr("EDDPM Explorer"));
  panel_ = new TrainingSetupPanel;
  view_ = new widgets::TrainingView;
  auto* trainTab = new QSplitter;
  // The form grows with Advanced settings open: it scrolls rather than pushing the window past the screen.
  auto* panelScroll = new QScrollArea;
  panelScroll->setWidget(panel_);
  panelScroll->setWidgetResizable(true);
  panelScroll->setFrameShape(QFrame::NoFrame);
  panelScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
  // Wide enough for the form and the scroll bar beside it, so nothing is cut off when it scrolls.
  panelScroll->setMinimumWidth(panel_->minimumWidth() + panelScroll->verticalScrollBar()->sizeHint().width());
  trainTab->addWidget(panelScroll);
  trainTab->addWidget(view_);
  trainTab->setStretchFactor(1, 1);
  sampling_ = new SamplingPage;
  tabs_ = new QTabWidget;
  tabs_->addTab(trainTab, tr("&Train"));
  tabs_->addTab(sampling_, tr("&Sample && compare"));
  setCentralWidget(tabs_);

  deviceLabel_ = new QLabel(tr("no run"));
  rateLabel_ = new QLabel;
  statusBar()->addPermanentWidget(rateLabel_);
  statusBar()->addPermanentWidget(deviceLabel_);

  worker_ = new TrainingWorker;
  worker_->moveToThread(&workerThread_);
  workerThread_.setObjectName("training");
  workerThread_.start();

  // An opened run that another process is still writing: its new lines join the plots.
  follower_ = new RunFollower(this);
  connect(follower_, &RunFollower::appended, this, [this](const RunRecord& more) {
    for (const auto& p : more.points) view_->addPoint(p);
    for (const auto& f : more.frames) view_->addFrame(f);
    view_->redrawNow();
    if (!more.points.isEmpty())
      statusBar()->showMessage(tr("Following %1: iteration %2").arg(follower_->runDir()).arg(more.points.last().iteration));
  });
  connect(follower_, &RunFollower::restarted, this, [this] {
    view_->clear();
    statusBar()->showMessage(tr("%1 was started again: following the new run").arg(follower_->runDir()));
  });

  connect(panel_, &TrainingSetupPanel::startRequested, this, &MainWindow::startTraining);
  connect(panel_, &TrainingSetupPanel::pauseRequested, this, [this](bool paused) {
    worker_->pause(paused);
    panel_->setState(paused ? TrainingSetupPanel::State::Paused : TrainingSetupPanel::State::Running);
  });
  connect(panel_, &TrainingSetupPanel::stopRequested, this, [this] {
    worker_->stop();
    statusBar()->showMessage(tr("Stopping after this iteration…"));
  });
  connect(panel_, &TrainingSetupPanel::startFromChanged, this,
          [this] { panel_->setSettings(with_start_from_defaults(panel_->settings())); });
  connect(panel_, &TrainingSetupPanel::baseScheduleChanged, this,
          [this] { panel_->setSettings(with_base_schedule_defaults(panel_->settings())); });
  connect(panel_, &TrainingSetupPanel::liveSettingsChanged, this,
          [this](double lr_s, int steps_kept) { worker_->setLiveSettings(lr_s, steps_kept); });

  connect(worker_, &TrainingWorker::started, this, [this](const QString& device, widgets::TrainingSettings run) {
    deviceLabel_->setText(device);
    statusBar()->showMessage(tr("Training, writing %1").arg(run.runDir));
    // A resumed run shows its own settings; the device and starting model stay as chosen.
    const widgets::TrainingSettings chosen = panel_->settings();
    run.config.device = chosen.config.device;
    run.fromCheckpoint = chosen.fromCheckpoint;
    panel_->setSettings(run);
  });
  connect(worker_, &TrainingWorker::progress, this, [this](const widgets::TrainingPoint& p) {
    view_->addPoint(p);
    // The worker sends a few of these a second (TrainingWorker::kMinSnapshotIntervalMs): readable text.
    panel_->showProgress(p);
    rateLabel_->setText(tr("iteration %1 of %2, %3 it/s%4, ETA %5 s")
                            .arg(p.iteration)
                            .arg(p.total)
                            .arg(TrainingSetupPanel::formatRate(p.itsPerSecond))
                            .arg(p.threads == 1 ? tr(" on 1 thread (cores busy)") : QString())
                            .arg(p.etaSeconds, 0, 'f', 0));
  });
  connect(worker_, &TrainingWorker::maskFrame, view_, &widgets::TrainingView::addFrame);
  connect(worker_, &TrainingWorker::quality, view_, &widgets::TrainingView::addQuality);
  connect(worker_, &TrainingWorker::imagePreview, view_, &widgets::TrainingView::addPreview);
  connect(worker_, &TrainingWorker::note, this, [this](const QString& text) { showNote(text); });
  connect(worker_, &TrainingWorker::paused, this, [this](qint64 iteration) {
    statusBar()->showMessage(tr("Paused at iteration %1").arg(iteration));
    emit trainingPaused(iteration);
  });
  connect(worker_, &TrainingWorker::verdict, this, [this](const QString& summary, bool learnedWins) {
    verdict_ = summary;
    panel_->showVerdict(summary, learnedWins);
    logToStderr("verdict", summary);
  });
  connect(worker_, &TrainingWorker::finished, this, [this](const QString& runDir, bool completed, qint64 iteration) {
    training_ = false;
    view_->redrawNow();
    panel_->setState(TrainingSetupPanel::State::Idle);
    // The verdict leads: whether the learned steps are worth using is what a finished run tells.
    statusBar()->showMessage(completed ? (verdict_.isEmpty() ? QString() : verdict_ + "  ") +
                                             tr("Run finished at iteration %1; saved in %2").arg(iteration).arg(runDir)
                                       : tr("Run stopped at iteration %1; saved in %2").arg(iteration).arg(runDir));
    verdict_.clear();
    sampling_->setCheckpoint(QDir(runDir).filePath("checkpoint.pt"));
    moveToFreshRunFolder(runDir);
    emit trainingEnded(runDir, completed, iteration);
  });
  connect(worker_, &TrainingWorker::failed, this, [this](const QString& message) {
    training_ = false;
    panel_->setState(TrainingSetupPanel::State::Idle);
    if (isDeviceFailure(message)) {
      offerResumeOnCpu(message);
    } else {
      showError(tr("Training stopped"), message.contains("loss became")
                                            ? message + tr("\n\nLower the learning rates in the panel, then File > Resume run.")
                                            : message);
    }
    moveToFreshRunFolder(runDir_);
    emit trainingEnded(runDir_, false, -1);
  });

  connect(sampling_, &SamplingPage::failed, this, [](const QString& message) { logToStderr("error", message); });

  createMenus();
  QSettings settings;
  widgets::TrainingSettings saved = widgets::TrainingSettings::load(settings);
  if (saved.runDir.isEmpty() || holdsRun(saved.runDir)) saved.runDir = defaultRunDir();
  panel_->setSettings(saved);
  restoreGeometry(settings.value("window/geometry").toByteArray());
}

// The worker is deleted here, on the GUI thread, once its thread has finished: everything it wrote
// happens before QThread::wait() returns, so no object of ours dies on one thread while another
// may still touch it.
MainWindow::~MainWindow() {
  stopWorkerAndWait();
  delete worker_;
}

bool MainWindow::holdsRun(const QString& runDir) { return holds_run(QFile::encodeName(runDir).toStdString()); }

void MainWindow::moveToFreshRunFolder(const QString& endedRunDir) {
  widgets::TrainingSettings s = panel_->settings();
  if (QDir(s.runDir).absolutePath() != QDir(endedRunDir).absolutePath()) return;
  s.runDir = defaultRunDir();
  panel_->setSettings(s);
}

QString MainWindow::defaultRunDir() {
  const QString base = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
  return QDir(base).filePath("runs/" + QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss"));
}

void MainWindow::createMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* open = file->addAction(tr("&Open run…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open run folder"));
    if (!dir.isEmpty()) openRun(dir);
  });
  open->setShortcut(QKeySequence::Open);
  QAction* resume = file->addAction(tr("&Resume run…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Resume run folder"));
    if (!dir.isEmpty()) resumeRun(dir);
  });
  resume->setShortcut(QKeySequence("Ctrl+Shift+O"));
  QAction* exportPlots = file->addAction(tr("&Export all plots…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Export plots to"));
    if (dir.isEmpty()) return;
    const QStringList names = {"mask", "mask_history", "sparsity", "losses", "quality"};
    QString error;
    int index = 0;
    for (widgets::LivePlot* plot : view_->plots())
      if (!plot->exportTo(QDir(dir).filePath(names[index++] + ".png"), &error)) return showError(tr("Export failed"), error);
    statusBar()->showMessage(tr("Plots written to %1").arg(dir));
  });
  exportPlots->setShortcut(QKeySequence("Ctrl+E"));
  // The run folder's own files, copied where the user wants them.
  auto addCopy = [this, file](const QString& label, const QString& name, const QString& filter) {
    file->addAction(label, this, [this, name, filter] {
      const QString source = QDir(runDir_).filePath(name);
      if (runDir_.isEmpty() || !QFile::exists(source))
        return showError(tr("Nothing to export"), tr("Train or open a run first (%1 not found)").arg(name));
      const QString target = QFileDialog::getSaveFileName(this, tr("Export"), name, filter);
      if (target.isEmpty()) return;
      QString error;
      const bool ok = widgets::saveAtomically(target, &error, [&](const QString& temporary) {
        return QFile::copy(source, temporary);
      });
      if (!ok) return showError(tr("Export failed"), error);
      statusBar()->showMessage(tr("Wrote %1").arg(target));
    });
  };
  addCopy(tr("Export &learned schedule…"), "schedule_learned.json", tr("Schedule (*.json)"));
  addCopy(tr("Export &mask history…"), "mask_history.csv", tr("CSV (*.csv)"));
  addCopy(tr("Save &checkpoint as…"), "checkpoint.pt", tr("Checkpoint (*.pt)"));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* tools = menuBar()->addMenu(tr("&Tools"));
  QAction* find = tools->addAction(tr("&Find steps…"), this, [this] { openFindSteps(); });
  find->setShortcut(QKeySequence("Ctrl+F"));
  find->setToolTip(tr("Which K steps to use with this model and solver: families, searches and EDDPM's mask search, "
                      "scored on held-out samples"));
}

FindStepsDialog* MainWindow::openFindSteps() {
  // The model Sample & compare has loaded, else the run's own checkpoint.
  QString checkpoint = sampling_->checkpoint();
  if (checkpoint.isEmpty() && !runDir_.isEmpty() && QFile::exists(QDir(runDir_).filePath("checkpoint.pt")))
    checkpoint = QDir(runDir_).filePath("checkpoint.pt");
  if (checkpoint.isEmpty()) {
    showError(tr("Find steps"), tr("Load a checkpoint in Sample & compare, or train or open a run, first."));
    return nullptr;
  }
  auto* dialog = new FindStepsDialog(checkpoint, 10, "ddim", this);
  dialog->setAttribute(Qt::WA_DeleteOnClose);
  connect(dialog, &FindStepsDialog::openInSampleCompare, this,
          [this, checkpoint](const QStringList& files, const QString& solver, int K) {
            tabs_->setCurrentWidget(sampling_);
            if (sampling_->checkpoint() == checkpoint) return sampling_->openScheduleFiles(files, solver, K);
            auto* once = new QObject(this);
            connect(sampling_, &SamplingPage::checkpointLoaded, once, [this, files, solver, K, once] {
              once->deleteLater();
              sampling_->openScheduleFiles(files, solver, K);
            });
            sampling_->setCheckpoint(checkpoint);
          });
  dialog->show();
  return dialog;
}

void MainWindow::startTraining(const widgets::TrainingSettings& settings) {
  if (training_) return;
  const QString problem = settings.problem();
  if (!problem.isEmpty()) return showError(tr("Cannot start"), problem);
  if (holdsRun(settings.runDir))
    return showError(tr("Cannot start"), tr("%1 already holds a run: choose another folder, or continue it with "
                                            "File > Resume run.").arg(settings.runDir));
  QSettings stored;
  settings.save(stored);
  runDir_ = settings.runDir;
  follower_->stop();
  view_->clear();
  training_ = true;
  panel_->setState(TrainingSetupPanel::State::Running);
  worker_->post([worker = worker_, settings] { worker->run(settings); });
}

bool MainWindow::openRun(const QString& runDir) {
  if (training_) {
    showError(tr("Cannot open a run"), tr("Stop the current training first."));
    return false;
  }
  // Followed from here on: a run still being written goes on in the plots (one that has ended just
  // stays as it is).
  const RunRecord record = follower_->start(runDir);
  if (!follower_->following()) {
    showError(tr("Cannot open run"), record.problem);
    return false;
  }
  runDir_ = runDir;
  view_->clear();
  for (const auto& p : record.points) view_->addPoint(p);
  for (const auto& f : record.frames) view_->addFrame(f);
  view_->redrawNow();
  sampling_->setCheckpoint(QDir(runDir).filePath("checkpoint.pt"));
  const QString opened = record.points.isEmpty() ? tr("Opened %1: no iteration logged yet, following it").arg(runDir)
                                                : tr("Opened %1").arg(runDir);
  statusBar()->showMessage(record.problem.isEmpty() ? opened : tr("%1 (%2)").arg(opened, record.problem));
  return true;
}

bool MainWindow::resumeRun(const QString& runDir) {
  if (!openRun(runDir)) return false;
  follower_->stop();  // this window writes it now
  if (!QFile::exists(QDir(runDir).filePath("checkpoint.pt"))) {
    showError(tr("Cannot resume"), tr("%1 has no checkpoint.pt").arg(runDir));
    return false;
  }
  training_ = true;
  panel_->setState(TrainingSetupPanel::State::Running);
  // The panel's learning rates apply: after a diverged run, lower them there and resume.
  const widgets::TrainingSettings s = panel_->settings();
  worker_->post([worker = worker_, runDir, s] { worker->resume(runDir, s.config.iters, s.config.lr, s.config.lr_s,
                                                                   QString::fromStdString(s.config.device)); });
  return true;
}

void MainWindow::showComparison(const QStringList& kinds, int samples, const QStringList& solvers) {
  tabs_->setCurrentWidget(sampling_);
  auto* once = new QObject(this);
  connect(sampling_, &SamplingPage::checkpointLoaded, once, [this, kinds, samples, solvers, once] {
    if (samples > 0) sampling_->setSampleCount(samples);
    if (!solvers.isEmpty()) sampling_->setSolvers(solvers);
    sampling_->setChecked(kinds);
    sampling_->requestSample();
    once->deleteLater();
  });
}

void MainWindow::stopWorkerAndWait() {
  if (!workerThread_.isRunning()) return;
  worker_->pause(false);
  worker_->stop();
  workerThread_.quit();
  workerThread_.wait();
}

void MainWindow::closeEvent(QCloseEvent* event) {
  if (training_ && askBeforeClosing_) {
    const auto answer = QMessageBox::question(
        this, tr("Training is running"),
        tr("Stop training and close? The run is saved in %1 when it stops.").arg(runDir_),
        QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Yes);
    if (answer != QMessageBox::Yes) {
      event->ignore();
      return;
    }
  }
  QSettings settings;
  settings.setValue("window/geometry", saveGeometry());
  panel_->settings().save(settings);
  stopWorkerAndWait();
  event->accept();
}

bool MainWindow::isDeviceFailure(const QString& message) {
  return message.contains("CUDA", Qt::CaseInsensitive) || message.contains("out of memory", Qt::CaseInsensitive);
}

void MainWindow::offerResumeOnCpu(const QString& message) {
  logToStderr("error", message);
  statusBar()->showMessage(message);
  const QString run = runDir_;
  auto* box = new QMessageBox(QMessageBox::Warning, tr("Training stopped"),
                              message + tr("\n\nThe run's last checkpoint in %1 is intact.").arg(run),
                              QMessageBox::Close, this);
  QPushButton* onCpu = box->addButton(tr("Resume on the CPU"), QMessageBox::AcceptRole);
  onCpu->setObjectName("resumeOnCpu");
  box->setObjectName("deviceFailure");
  box->setAttribute(Qt::WA_DeleteOnClose);
  connect(onCpu, &QPushButton::clicked, this, [this, run] {
    widgets::TrainingSettings s = panel_->settings();
    s.config.device = "cpu";
    panel_->setSettings(s);
    resumeRun(run);
  });
  box->open();
}

void MainWindow::logToStderr(const QString& kind, const QString& message) {
  std::fprintf(stderr, "eddpm-explorer: %s: %s\n", qPrintable(kind), qPrintable(QString(message).replace('\n', ' ')));
  std::fflush(stderr);
}

void MainWindow::showNote(const QString& text) {
  statusBar()->showMessage(text);
  logToStderr("note", text);
}

void MainWindow::showError(const QString& title, const QString& message) {
  logToStderr("error", title + ": " + message);
  statusBar()->showMessage(message);
  // Window-modal and non-blocking: the worker's snapshots keep arriving while it is shown.
  auto* box = new QMessageBox(QMessageBox::Warning, title, message, QMessageBox::Ok, this);
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->open();
}

}  // namespace eddpm::explorer
