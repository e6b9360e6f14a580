#pragma once
// The Sample & compare page: pick 1 to 6 schedules (learned, manual, handcrafted, searched or a
// file), see their steps on a strip and their log-SNR curves, sample all from the same starting
// noise, compare quality side by side (points over the data, image grids beside the full chain's
// with their differences, or a time-series model's imputations of its test windows beside the
// full chain's), follow one image's denoising path per schedule, sweep K, and export schedules,
// samples, imputations, paths and the table. Engine work runs on a background thread, one job
// at a time, with progress and Esc to cancel; the page stays responsive.
#include <QElapsedTimer>
#include <QWidget>

#include "background_job.h"
#include "sampling_service.h"

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QListWidget;
class QListWidgetItem;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QHBoxLayout;
class QStackedWidget;
class QTabWidget;
class QTimer;

namespace eddpm::widgets {
class DenoisingPathView;
class ElidedLabel;
class ImageComparisonView;
class ImputationPlot;
class LivePlot;
class LogSnrPlot;
class PointCloudView;
class ScheduleStrip;
}  // namespace eddpm::widgets

namespace eddpm::explorer {

class SamplingPage : public QWidget {
  Q_OBJECT
 public:
  static constexpr int kMaxSchedules = 6;
  // Ticked schedules times ticked solvers: what one sampling puts side by side.
  static constexpr int kMaxPairs = 12;
  // The schedule list's item data: the kind ("uniform", "file:/path") and its own solvers' names.
  static constexpr int kKindRole = Qt::UserRole;
  static constexpr int kSolversRole = Qt::UserRole + 1;

  explicit SamplingPage(QWidget* parent = nullptr);
  ~SamplingPage() override;

  // Loads the model to sample from (off the GUI thread); emits checkpointLoaded or failed.
  void setCheckpoint(const QString& path);
  // Ticks exactly these schedules; "learned@dpmpp-2m+unipc" also gives one its own solvers (as
  // setScheduleSolvers), a plain name takes the ticked ones.
  void setChecked(const QStringList& kinds);
  // Ticks exactly these solvers (unknown names are ignored; none leaves ddim ticked).
  void setSolvers(const QStringList& names);
  // The solvers schedule `kind` alone is sampled with (empty: the ticked ones, as every schedule);
  // false, with the status saying why, where that would pass kMaxPairs.
  bool setScheduleSolvers(const QString& kind, const QStringList& names);
  QStringList scheduleSolvers(const QString& kind) const;
  QStringList checkedKinds() const;
  void setManualSteps(const QVector<int>& steps);
  // The loaded model's checkpoint (empty before one is loaded).
  QString checkpoint() const;
  // Adds these schedule files to the list (once each), ticks exactly them, sets K and the solver
  // and samples: what Find steps opens here.
  void openScheduleFiles(const QStringList& files, const QString& solver, int K);
  // The manual field's text as typed or pasted (timesteps, or sigmas in any import form).
  void setManualText(const QString& text);
  // The number of samples each schedule draws (10 to 200,000; time series: imputations of every
  // test window, 2 to 1,000).
  void setSampleCount(int n);
  void requestSample();
  void requestSweep();
  // Image models: the denoising path of sample `index` (of the last draw's settings) per schedule.
  void requestPath(int index);

  widgets::ScheduleStrip* strip() const { return strip_; }
  QTableWidget* table() const { return table_; }
  const QVector<SampleOutcome>& outcomes() const { return outcomes_; }
  const SampleOutcome& floor() const { return floor_; }
  const QVector<PathStrip>& paths() const { return paths_; }
  widgets::ImageComparisonView* imageView() const { return images_; }
  widgets::DenoisingPathView* pathView() const { return pathView_; }
  QString statusText() const;
  bool busy() const { return job_.running(); }
  // Stops the running load, sampling or sweep at its next step (Esc); a load finishes, unused.
  void cancelJob();
  QPushButton* cancelButton() const { return cancel_; }

  // Format by `format` (json, csv, sigmas, comfyui, a1111), else by extension (.json, .csv), else
  // the ComfyUI sigma line.
  bool saveSchedule(int index, const QString& path, QString* error, const QString& format = {});
  bool saveSamples(int index, const QString& path, QString* error);
  bool saveComparison(const QString& path, QString* error);
  // Image models: the grid of schedule `index` (-1: the full chain), one sample of it, the paths.
  bool saveGrid(int index, const QString& path, QString* error);
  bool saveSample(int index, int sample, const QString& path, QString* error);
  bool savePaths(const QString& path, QString* error);

  // Time-series models: the window and series the imputation view shows (clamped to the frame).
  void setSeriesWindow(int window, int series);
  widgets::ImputationPlot* imputationPlot() const { return imputationPlot_; }
  const SeriesFrame& seriesFrame() const { return seriesFrame_; }
  // The full chain's imputations, the table's reference row (time-series models).
  const SampleOutcome& fullChainOutcome() const { return fullSeries_; }
  // Every imputation of schedule `index` (-1: the full chain) as CSV, in the data's units.
  bool saveImputations(int index, const QString& path, QString* error);

 signals:
  void checkpointLoaded(const QString& path);
  void previewReady();
  void samplesReady();
  void sweepReady();
  void pathReady();
  void failed(const QString& message);

 private:
  void runJob(std::function<void()> job, std::function<void()> done);
  void refreshPreview();
  QVector<ScheduleRequest> requests() const;
  // The ticked solvers (ddim with the form's eta), in the list's order.
  QVector<Solver> chosenSolvers() const;
  // What one schedule of the list is sampled with: its own solvers, else the ticked ones.
  QVector<Solver> solversOf(const QListWidgetItem* item) const;
  // Ticked schedules times their solvers: the chains one sampling runs.
  int pairCount() const;
  QListWidgetItem* scheduleItem(const QString& kind) const;
  // The list's item of schedule file `file`, added (ticked) if it is not there yet.
  QListWidgetItem* addScheduleFile(const QString& file);
  void showScheduleSolversMenu(const QPoint& at);
  void enableEta();
  void showOutcomes();
  void showProgress();
  void exportImages();
  // Time-series models (sampling_series.cpp): the view above the table, its filling, its exports.
  QWidget* makeSeriesPanel();
  void showSeriesOutcomes();
  void showSeriesWindow();
  void exportSeries();
  // The table's columns for this kind of model: points and images, or time series.
  void setTableColumns(bool series);

  SamplingService service_;
  BackgroundJob job_;
  std::function<void()> done_;
  bool previewPending_ = false;
  bool samplePending_ = false;

  QLabel* checkpointLabel_;
  QListWidget* kinds_;
  QSpinBox *K_, *seed_, *n_;
  QListWidget* solvers_;  // solver_names(), in their order, checkable
  QDoubleSpinBox* eta_;  // DDIM's alone: enabled with ddim
  QComboBox* stripAxis_;  // timesteps | log SNR (sigma)
  QLineEdit* manual_;
  QPushButton *sample_, *sweep_, *cancel_;
  widgets::ScheduleStrip* strip_;
  widgets::LogSnrPlot* logSnr_;
  QHBoxLayout* results_;
  QList<widgets::PointCloudView*> views_;
  QTableWidget* table_;
  widgets::LivePlot* sweepPlot_;
  widgets::ElidedLabel* status_;
  QProgressBar* busyBar_;
  QTimer* progressTimer_;
  QElapsedTimer jobClock_;
  QString jobText_;
  QTabWidget* resultTabs_;
  QStackedWidget* samplesStack_;
  widgets::ImageComparisonView* images_;
  widgets::DenoisingPathView* pathView_;
  QSpinBox* pathSample_;
  QPushButton* showPath_;
  bool imageModel_ = false;
  bool seriesModel_ = false;
  QSpinBox* seriesWindow_;
  QComboBox* seriesName_;
  QComboBox* seriesLayout_;
  QCheckBox* showFull_;
  QLabel* seriesSpan_;
  widgets::ImputationPlot* imputationPlot_;
  SeriesFrame seriesFrame_;
  SampleOutcome fullSeries_;

  QVector<widgets::ScheduleView> preview_;
  QVector<SampleOutcome> outcomes_;
  SampleOutcome floor_;
  QVector<QImage> fullChain_;
  QVector<PathStrip> paths_;
  // The settings the shown samples were drawn with (exports describe these, not the form's now).
  quint64 sampledSeed_ = 0;
  int sampledN_ = 0;
  QVector<double> reference_;
  QVector<SweepPoint> sweepPoints_;
  QStringList files_;
};

}  // namespace eddpm::explorer
