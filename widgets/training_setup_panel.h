#pragma once
// The form for everything `eddpm train` takes, with Start / Pause / Stop, progress and ETA.
// Invalid values are refused where they are typed: spin boxes hold their ranges, and a settings
// problem (K above T, warm-up after the ramp end, ...) is shown beside the form and disables Start.
#include <QWidget>

#include "plot_data.h"
#include "training_settings.h"

class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QCheckBox;

namespace eddpm::widgets {

class TrainingSetupPanel : public QWidget {
  Q_OBJECT
 public:
  enum class State { Idle, Running, Paused };

  explicit TrainingSetupPanel(QWidget* parent = nullptr);

  TrainingSettings settings() const;
  void setSettings(const TrainingSettings& settings);
  void setState(State state);
  State state() const { return state_; }
  void showProgress(const TrainingPoint& point);
  // A finished run's verdict on its learned steps (green when they win, red when they lose), shown
  // under the progress bar until the next run starts.
  void showVerdict(const QString& summary, bool learnedWins);
  QString verdict() const;
  QString problem() const;
  // "412", "4.4", "0.19": whole iterations a second where that is readable, two digits below 10.
  static QString formatRate(double itsPerSecond);

  QPushButton* startButton() const { return start_; }
  QPushButton* pauseButton() const { return pause_; }
  QPushButton* stopButton() const { return stop_; }

 signals:
  void startRequested(const eddpm::widgets::TrainingSettings& settings);
  void pauseRequested(bool paused);
  void stopRequested();
  // While a run goes on: a new mask learning rate or target K, to apply from the next iteration.
  void liveSettingsChanged(double lrS, int stepsKept);
  // The user chose (typed, browsed or cleared) the model to start from, or ticked mask-only training.
  void startFromChanged();
  // The user picked another base noise schedule (whose default semantics may differ).
  void baseScheduleChanged();

 private:
  void revalidate();
  // Enables what the chosen data takes: image settings and U-Nets for images, the MLP for points.
  void adaptToData();

  State state_ = State::Idle;
  QLabel* verdict_ = nullptr;
  QComboBox *data_, *channels_, *model_, *beta_, *semantics_, *reward_, *baseline_, *device_;
  QLineEdit* dataPath_;
  QWidget* dataPathRow_;
  QSpinBox *size_, *T_, *stepsKept_, *batch_;
  QSpinBox *iters_, *warmup_, *rampEnd_, *seed_, *checkN_;
  QDoubleSpinBox *lr_, *lrS_;
  QLineEdit *runDir_, *from_;
  QCheckBox* freeze_;
  QLabel* problem_;
  QLabel* torchscriptWarning_;
  QLabel* eta_;
  QProgressBar* progress_;
  QPushButton *start_, *pause_, *stop_;
};

}  // namespace eddpm::widgets
