#pragma once
// The explorer's window: composes the views and owns the training worker's thread.
#include <QMainWindow>
#include <QThread>

#include "training_settings.h"

class QLabel;
class QTabWidget;

namespace eddpm::widgets {
class TrainingSetupPanel;
class TrainingView;
}  // namespace eddpm::widgets

namespace eddpm::explorer {

class TrainingWorker;
class RunFollower;
class SamplingPage;
class FindStepsDialog;

class MainWindow : public QMainWindow {
  Q_OBJECT
 public:
  explicit MainWindow(QWidget* parent = nullptr);
  ~MainWindow() override;

  void startTraining(const widgets::TrainingSettings& settings);
  // Shows the run's logs and follows them: lines another process appends (a run still training,
  // here or on a cluster's shared folder) join the plots as they come, until training starts here
  // or another run is opened.
  bool openRun(const QString& runDir);
  // Replays the run's history, then continues training it from its checkpoint.
  bool resumeRun(const QString& runDir);
  // Switches to the Sample & compare page and samples these kinds once the model has loaded, with
  // `samples` per schedule (0: the page's default).
  void showComparison(const QStringList& kinds, int samples = 0, const QStringList& solvers = {});
  bool isTraining() const { return training_; }
  // Off in tests: closing while training then stops and keeps the run without asking.
  void setAskBeforeClosing(bool ask) { askBeforeClosing_ = ask; }

  widgets::TrainingSetupPanel* setupPanel() const { return panel_; }
  widgets::TrainingView* trainingView() const { return view_; }
  SamplingPage* samplingPage() const { return sampling_; }
  // Tools > Find steps (Ctrl+F) on the loaded model or the run's checkpoint; null, with an error
  // shown, when there is neither.
  FindStepsDialog* openFindSteps();
  QTabWidget* tabs() const { return tabs_; }

 signals:
  // Training holds at `iteration` after Pause.
  void trainingPaused(qint64 iteration);
  // `iteration`: where the run ended (its checkpoint's); -1 when it failed.
  void trainingEnded(const QString& runDir, bool completed, qint64 iteration);

 protected:
  void closeEvent(QCloseEvent* event) override;

 private:
  void createMenus();
  void stopWorkerAndWait();
  void showError(const QString& title, const QString& message);
  // Something the user should know that stops nothing: the status bar, and standard error.
  void showNote(const QString& text);
  // Every message the window shows also goes to standard error, for logs and scripts.
  static void logToStderr(const QString& kind, const QString& message);
  // CUDA out of memory or another device error: the run's checkpoint is intact; offer the CPU.
  static bool isDeviceFailure(const QString& message);
  void offerResumeOnCpu(const QString& message);
  static QString defaultRunDir();
  // A fresh run would overwrite this folder's checkpoint and logs.
  static bool holdsRun(const QString& runDir);
  // After a run ends, the next Start gets a new folder instead of the ended run's.
  void moveToFreshRunFolder(const QString& endedRunDir);

  QTabWidget* tabs_;
  widgets::TrainingSetupPanel* panel_;
  widgets::TrainingView* view_;
  SamplingPage* sampling_;
  QLabel* deviceLabel_;
  QLabel* rateLabel_;
  QThread workerThread_;
  TrainingWorker* worker_;
  RunFollower* follower_;  // the opened run, while another process may still write it
  QString runDir_;
  bool training_ = false;
  QString verdict_;  // the last completed run's verdict (schedule_verdict.h), for its status line
  bool askBeforeClosing_ = true;
};

}  // namespace eddpm::explorer
