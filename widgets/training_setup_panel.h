#pragma once
// The form for everything `eddpm train` takes, with Start / Pause / Stop, progress and ETA. Its
// rows come from the settings table (core/settings/setting_table.h): the common ones on the form,
// every other under Advanced. Invalid values are refused where they are typed: editors hold their
// rows' ranges, and a settings problem (core's validate(): K above T, warm-up after the ramp end,
// ...) is shown beside the form and disables Start.
#include <vector>

#include <QWidget>

#include "plot_data.h"
#include "setting_table.h"
#include "training_settings.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QToolButton;

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
  void liveSettingsChanged(double lr_s, int steps_kept);
  // The user chose (typed, browsed or cleared) the model to start from, or ticked mask-only training.
  void startFromChanged();
  // The user picked another base noise schedule (whose default semantics may differ).
  void baseScheduleChanged();

 private:
  void revalidate();
  // Enables what the chosen data takes: image settings and U-Nets for images, the MLP for points.
  void adaptToData();

  // A row of the table and the editor the form shows for it.
  struct Field {
    const Setting* row;
    QWidget* editor;
  };
  // The editor of row `name` (every row the form shows has one).
  QWidget* editor(const char* name) const;
  template <typename W>
  W* editorAs(const char* name) const {
    return static_cast<W*>(editor(name));
  }

  State state_ = State::Idle;
  QLabel* verdict_ = nullptr;
  std::vector<Field> fields_;  // the rows edited as their type says (setting_editor.h)
  // Rows with editors of their own: data is a kind and a folder, channels a list, keep a count K,
  // device a list of what LibTorch may see.
  QComboBox *data_, *channels_, *device_;
  QLineEdit* dataPath_;
  QWidget* dataPathRow_;
  QLabel* dataPathLabel_;  // "Data folder", or "Data file" for a CSV
  QSpinBox* keep_;  // the keep row, shown as the count K = keep T
  QLineEdit *runDir_, *from_;
  QToolButton* advancedToggle_;
  QWidget* advanced_;
  QLabel* problem_;
  QLabel* torchscriptWarning_;
  QLabel* eta_;
  QProgressBar* progress_;
  QPushButton *start_, *pause_, *stop_;
};

}  // namespace eddpm::widgets
