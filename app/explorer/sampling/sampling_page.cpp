#include "sampling_page.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QProgressBar>
#include <QRegularExpression>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTimer>

#include "denoising_path_view.h"
#include "elided_label.h"
#include "image_comparison_view.h"
#include "image_grid_view.h"
#include "imputation_plot.h"
#include "log_snr_plot.h"
#include "point_cloud_view.h"
#include "sampling_text.h"
#include "schedule_strip.h"

namespace eddpm::explorer {

namespace {
const QStringList kKinds = {"learned", "manual",  "uniform", "trailing",   "linspace",
                            "quadratic", "logsnr", "karras",  "kl-optimal", "beta", "elbo-dp"};

}  // namespace

SamplingPage::SamplingPage(QWidget* parent) : QWidget(parent) {
  checkpointLabel_ = new QLabel(tr("no model loaded"));
  checkpointLabel_->setWordWrap(true);
  auto* open = new QPushButton(tr("Open checkpoint…"));
  connect(open, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Open checkpoint"), QString(), tr("Checkpoints (*.pt)"));
    if (!file.isEmpty()) setCheckpoint(file);
  });

  kinds_ = new QListWidget;
  for (const QString& kind : kKinds) {
    auto* item = new QListWidgetItem(kind, kinds_);
    item->setData(kKindRole, kind);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(kind == "learned" || kind == "uniform" ? Qt::Checked : Qt::Unchecked);
  }
  kinds_->setToolTip(tr("Right-click a schedule to give it solvers of its own (learned@dpmpp-2m): the same steps "
                        "under two solvers side by side, or each schedule under the solver it was made for"));
  kinds_->setContextMenuPolicy(Qt::CustomContextMenu);
  connect(kinds_, &QListWidget::customContextMenuRequested, this, &SamplingPage::showScheduleSolversMenu);
  auto* addFile = new QPushButton(tr("Add schedule file…"));
  connect(addFile, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Schedule file"), QString(), tr("Schedules (*.json *.txt)"));
    if (!file.isEmpty()) addScheduleFile(file)->setCheckState(Qt::Checked);
  });
  K_ = new QSpinBox;
  K_->setRange(1, 100000);
  K_->setValue(10);
  K_->setKeyboardTracking(false);
  solvers_ = new QListWidget;
  for (const std::string& name : solver_names()) {
    auto* item = new QListWidgetItem(QString::fromStdString(name), solvers_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(name == "ddim" ? Qt::Checked : Qt::Unchecked);
  }
  solvers_->setMaximumHeight(5 * solvers_->sizeHintForRow(0) + 2 * solvers_->frameWidth() + 4);
  solvers_->setToolTip(tr("Every ticked schedule is sampled with every ticked solver, side by side (each with its own "
                          "full chain), but a schedule given solvers of its own (right-click it). Heun calls the "
                          "network 2K - 1 times for K steps; the others K times."));
  eta_ = new QDoubleSpinBox;
  eta_->setRange(0.0, 1.0);
  eta_->setSingleStep(0.1);
  eta_->setToolTip(tr("ddim only: 0 = DDIM (deterministic), 1 = DDPM (ancestral)"));

  seed_ = new QSpinBox;
  seed_->setRange(0, 2147483647);
  n_ = new QSpinBox;
  n_->setRange(10, 200000);
  n_->setValue(2000);
  manual_ = new QLineEdit;
  manual_->setPlaceholderText(tr("manual steps, e.g. 999, 700, 400, 100, 0, or a pasted sigma line"));
  manual_->setToolTip(tr("Type or paste 0-based timesteps, or sigmas in any form the exports write (a ComfyUI line, "
                         "an A1111 list, JSON): each sigma moves to the nearest timestep; or tick 'manual' and "
                         "click the strip to add or remove a step, drag one to move it"));
  sample_ = new QPushButton(tr("Sample"));
  sample_->setShortcut(QKeySequence("Ctrl+Return"));
  sample_->setToolTip(tr("Sample every ticked schedule from the same noise (Ctrl+Enter)"));
  sweep_ = new QPushButton(tr("Sweep K"));
  sweep_->setToolTip(tr("Quality against K for every ticked family"));
  auto* save = new QPushButton(tr("Export…"));
  auto* exportMenu = new QMenu(save);
  // Every form `eddpm schedule --format` writes (docs/EXPORT.md: where each goes), one file per schedule.
  QMenu* schedulesMenu = exportMenu->addMenu(tr("Schedules"));
  const struct {
    const char* label;
    QString format, suffix;
  } forms[] = {{QT_TR_NOOP("JSON: timesteps, sigmas, solver, checkpoint SHA-256…"), "json", ".json"},
               {QT_TR_NOOP("CSV: step, timestep, level, log SNR, sigma"), "csv", ".csv"},
               {QT_TR_NOOP("Sigmas, one per line"), "sigmas", "-sigmas.txt"},
               {QT_TR_NOOP("ComfyUI sigma line"), "comfyui", "-comfyui.txt"},
               {QT_TR_NOOP("A1111 custom list"), "a1111", "-a1111.txt"}};
  for (const auto& form : forms) {
    const QString format = form.format, suffix = form.suffix;
    schedulesMenu->addAction(tr(form.label), this, [this, format, suffix] {
      const QString dir = QFileDialog::getExistingDirectory(this, tr("Write schedules to"));
      QString error;
      for (int i = 0; i < preview_.size() && !dir.isEmpty(); ++i)
        // One file per schedule, named after it ("learned · heun" -> learned-heun.json).
        if (!saveSchedule(i, dir + "/" + fileStem(preview_[i].name) + suffix, &error, format)) return emit failed(error);
      if (!dir.isEmpty()) status_->setText(tr("%1 schedules written to %2 (%3)").arg(preview_.size()).arg(dir, format));
    });
  }
  exportMenu->addAction(tr("Samples (PNG and CSV; image grids as PNG; imputations as CSV, their plot as PNG and PDF)…"),
                        this, [this] {
    if (imageModel_) return exportImages();
    if (seriesModel_) return exportSeries();
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Write samples to"));
    QString error;
    for (int i = 0; i < outcomes_.size() && !dir.isEmpty(); ++i) {
      const QString base = dir + "/samples_" + fileStem(outcomes_[i].schedule.name);
      if (!saveSamples(i, base + ".png", &error) || !saveSamples(i, base + ".csv", &error)) return emit failed(error);
    }
    if (!dir.isEmpty()) status_->setText(tr("Samples written to %1").arg(dir));
  });
  exportMenu->addAction(tr("Comparison (JSON table and PNG montage)…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Comparison"), "comparison.json", tr("JSON (*.json)"));
    QString error;
    if (!path.isEmpty() && !saveComparison(path, &error)) emit failed(error);
  });
  exportMenu->addAction(tr("Selected sample of each schedule (PNG)…"), this, [this] {
    if (!imageModel_ || outcomes_.isEmpty()) return emit failed(tr("Sample an image model first"));
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Write the selected sample to"));
    QString error;
    const int sample = images_->selectedSample();
    for (int i = 0; i < outcomes_.size() && !dir.isEmpty(); ++i) {
      const QString name = fileStem(outcomes_[i].schedule.name);
      if (!saveSample(i, sample, dir + QString("/sample%1_%2.png").arg(sample).arg(name), &error)) return emit failed(error);
    }
    if (!dir.isEmpty()) status_->setText(tr("Sample %1 of each schedule written to %2").arg(sample).arg(dir));
  });
  exportMenu->addAction(tr("Denoising paths (PNG)…"), this, [this] {
    if (paths_.isEmpty()) return emit failed(tr("Show a denoising path first"));
    const QString file = QFileDialog::getSaveFileName(this, tr("Denoising paths"), "paths.png", tr("PNG (*.png)"));
    QString error;
    if (!file.isEmpty() && !savePaths(file, &error)) emit failed(error);
  });
  save->setMenu(exportMenu);

  auto* form = new QFormLayout;
  form->addRow(tr("&K"), K_);
  form->addRow(tr("S&olvers"), solvers_);
  form->addRow(tr("&eta"), eta_);
  form->addRow(tr("See&d"), seed_);
  stripAxis_ = new QComboBox;
  stripAxis_->addItems({tr("timesteps"), tr("log SNR (sigma)")});
  stripAxis_->setToolTip(tr("How the strip above spreads the steps: evenly in timesteps, or evenly in log SNR, "
                            "which is log sigma (sigma_t = exp(-0.5 log SNR_t)); drag a manual step in either"));
  form->addRow(tr("Strip a&xis"), stripAxis_);
  form->addRow(tr("&Samples"), n_);
  auto* controls = new QVBoxLayout;
  controls->addWidget(checkpointLabel_);
  controls->addWidget(open);
  controls->addWidget(new QLabel(tr("Schedules (1 to 6):")));
  controls->addWidget(kinds_, 1);
  controls->addWidget(addFile);
  controls->addLayout(form);
  controls->addWidget(manual_);
  controls->addWidget(sample_);
  controls->addWidget(sweep_);
  cancel_ = new QPushButton(tr("Cancel"));
  cancel_->setShortcut(Qt::Key_Escape);
  cancel_->setToolTip(tr("Stop the running job (Esc)"));
  cancel_->setEnabled(false);
  controls->addWidget(cancel_);
  controls->addWidget(save);
  auto* controlsWidget = new QWidget;
  controlsWidget->setLayout(controls);
  controlsWidget->setMaximumWidth(240);

  strip_ = new widgets::ScheduleStrip;
  connect(stripAxis_, &QComboBox::currentIndexChanged, this, [this](int index) {
    strip_->setAxis(index == 0 ? widgets::StripAxis::Timestep : widgets::StripAxis::LogSnr);
  });
  logSnr_ = new widgets::LogSnrPlot;
  auto* pointsWidget = new QWidget;
  results_ = new QHBoxLayout(pointsWidget);
  results_->setContentsMargins(0, 0, 0, 0);
  images_ = new widgets::ImageComparisonView;
  samplesStack_ = new QStackedWidget;
  samplesStack_->addWidget(pointsWidget);
  samplesStack_->addWidget(images_);
  samplesStack_->addWidget(makeSeriesPanel());
  pathView_ = new widgets::DenoisingPathView;
  pathSample_ = new QSpinBox;
  pathSample_->setRange(0, SamplingService::kShownImages - 1);
  pathSample_->setToolTip(tr("The sample whose path is shown: its place in the grids (click an image there)"));
  showPath_ = new QPushButton(tr("Show &path"));
  showPath_->setToolTip(tr("Each schedule's estimate of the clean image at each of its kept steps, for this sample"));
  auto* pathBox = new QWidget;
  auto* pathControls = new QHBoxLayout;
  pathControls->addWidget(new QLabel(tr("Sample")));
  pathControls->addWidget(pathSample_);
  pathControls->addWidget(showPath_);
  pathControls->addStretch(1);
  auto* pathLayout = new QVBoxLayout(pathBox);
  pathLayout->setContentsMargins(0, 0, 0, 0);
  pathLayout->addLayout(pathControls);
  pathLayout->addWidget(pathView_, 1);
  resultTabs_ = new QTabWidget;
  resultTabs_->addTab(samplesStack_, tr("Samples"));
  resultTabs_->addTab(pathBox, tr("Denoising path"));
  resultTabs_->setTabEnabled(1, false);
  auto* resultsWidget = resultTabs_;
  table_ = new QTableWidget;
  setTableColumns(false);
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  sweepPlot_ = new widgets::LivePlot;
  sweepPlot_->xAxis->setLabel(tr("K (steps)"));
  sweepPlot_->yAxis->setLabel(tr("SWD to data"));
  sweepPlot_->legend->setVisible(false);  // shown once a sweep has drawn something
  status_ = new widgets::ElidedLabel;
  busyBar_ = new QProgressBar;
  busyBar_->setRange(0, 0);  // indeterminate until the job reports its total
  busyBar_->setMaximumHeight(8);
  busyBar_->setTextVisible(false);
  busyBar_->hide();
  progressTimer_ = new QTimer(this);
  progressTimer_->setInterval(150);
  connect(progressTimer_, &QTimer::timeout, this, &SamplingPage::showProgress);

  auto* bottom = new QSplitter(Qt::Horizontal);
  bottom->addWidget(table_);
  bottom->addWidget(sweepPlot_);
  auto* right = new QSplitter(Qt::Vertical);
  auto* top = new QSplitter(Qt::Horizontal);
  top->addWidget(logSnr_);
  top->addWidget(resultsWidget);
  top->setStretchFactor(1, 2);
  auto* stripBox = new QWidget;
  auto* stripLayout = new QVBoxLayout(stripBox);
  stripLayout->setContentsMargins(0, 0, 0, 0);
  stripLayout->addWidget(strip_);
  stripLayout->addWidget(status_);
  stripLayout->addWidget(busyBar_);
  right->addWidget(stripBox);
  right->addWidget(top);
  right->addWidget(bottom);
  right->setStretchFactor(1, 3);
  right->setStretchFactor(2, 1);
  auto* layout = new QHBoxLayout(this);
  layout->addWidget(controlsWidget);
  layout->addWidget(right, 1);

  connect(&job_, &BackgroundJob::finished, this, [this] {
    auto done = std::move(done_);
    done_ = nullptr;
    sample_->setEnabled(true);
    sweep_->setEnabled(true);
    cancel_->setEnabled(false);
    showPath_->setEnabled(true);
    busyBar_->hide();
    progressTimer_->stop();
    if (job_.cancelled()) status_->setText(tr("Cancelled"));
    else if (!job_.error().empty()) emit failed(tr("The job failed: %1").arg(QString::fromStdString(job_.error())));
    else if (done) done();
    if (previewPending_) refreshPreview();
    else if (samplePending_) requestSample();
  });
  connect(kinds_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
    if (item->checkState() == Qt::Checked && checkedKinds().size() > kMaxSchedules) {
      item->setCheckState(Qt::Unchecked);
      status_->setText(tr("At most %1 schedules side by side").arg(kMaxSchedules));
      return;
    }
    if (item->checkState() == Qt::Checked && pairCount() > kMaxPairs) {
      item->setCheckState(Qt::Unchecked);
      status_->setText(tr("At most %1 schedule and solver pairs side by side").arg(kMaxPairs));
      return;
    }
    enableEta();
    refreshPreview();
  });
  connect(solvers_, &QListWidget::itemChanged, this, [this](QListWidgetItem* item) {
    const int ticked = chosenSolvers().size();
    if (item->checkState() == Qt::Checked && pairCount() > kMaxPairs) {
      item->setCheckState(Qt::Unchecked);
      status_->setText(tr("At most %1 schedule and solver pairs side by side").arg(kMaxPairs));
      return;
    }
    if (ticked == 0) {  // one solver is always ticked
      item->setCheckState(Qt::Checked);
      return;
    }
    enableEta();
    refreshPreview();
  });
  connect(K_, &QSpinBox::valueChanged, this, &SamplingPage::refreshPreview);
  // Anything that is not plain timesteps is read by the engine (sigmas, JSON); its errors come back
  // with the preview.
  connect(manual_, &QLineEdit::editingFinished, this, &SamplingPage::refreshPreview);
  connect(strip_, &widgets::ScheduleStrip::manualStepsChanged, this, [this](const QVector<int>& steps) {
    setManualSteps(steps);
  });
  connect(images_, &widgets::ImageComparisonView::sampleSelected, pathSample_, &QSpinBox::setValue);
  connect(pathSample_, &QSpinBox::valueChanged, images_, &widgets::ImageComparisonView::setSelectedSample);
  connect(showPath_, &QPushButton::clicked, this, [this] { requestPath(pathSample_->value()); });
  connect(images_, &widgets::ImageComparisonView::pathRequested, this, &SamplingPage::requestPath);
  connect(sample_, &QPushButton::clicked, this, &SamplingPage::requestSample);
  connect(sweep_, &QPushButton::clicked, this, &SamplingPage::requestSweep);
  connect(cancel_, &QPushButton::clicked, this, &SamplingPage::cancelJob);
  service_.setCancelFlag(job_.cancelFlag());
  connect(this, &SamplingPage::failed, status_, &widgets::ElidedLabel::setText);
}

// The job is cancelled and joined (BackgroundJob's destructor, before the service it uses goes):
// closing the window during a sweep returns at the sweep's next step.
SamplingPage::~SamplingPage() = default;

void SamplingPage::cancelJob() {
  if (!busy()) return;
  // A cancelled load leaves the previous model; pending previews and samples are dropped too.
  previewPending_ = samplePending_ = false;
  job_.cancel();
  status_->setText(tr("Cancelling…"));
}

void SamplingPage::runJob(std::function<void()> job, std::function<void()> done) {
  sample_->setEnabled(false);
  sweep_->setEnabled(false);
  showPath_->setEnabled(false);
  cancel_->setEnabled(true);
  busyBar_->setRange(0, 0);
  busyBar_->show();
  jobText_ = status_->fullText();
  jobClock_.start();
  progressTimer_->start();
  done_ = std::move(done);
  job_.start(std::move(job));
}

// The bar and an ETA from the service's count of example-steps; loads report none (indeterminate).
void SamplingPage::showProgress() {
  const JobProgress p = service_.progress();
  if (!busy() || p.total <= 0 || p.done <= 0) return;
  const double fraction = std::min(1.0, double(p.done) / double(p.total));
  busyBar_->setRange(0, 1000);
  busyBar_->setValue(int(1000 * fraction));
  const double elapsed = jobClock_.elapsed() / 1000.0;
  const qint64 eta = qint64(elapsed * (1.0 - fraction) / fraction + 0.5);
  status_->setText(tr("%1 %2%, ETA %3:%4").arg(jobText_).arg(int(100 * fraction))
                       .arg(eta / 60).arg(eta % 60, 2, 10, QChar('0')));
}

QString SamplingPage::statusText() const { return status_->fullText(); }

void SamplingPage::setCheckpoint(const QString& path) {
  if (busy()) {
    QMetaObject::invokeMethod(this, [this, path] { setCheckpoint(path); }, Qt::QueuedConnection);
    return;
  }
  auto error = std::make_shared<QString>();
  auto ok = std::make_shared<bool>(false);
  status_->setText(tr("Loading %1…").arg(path));
  runJob([this, path, error, ok] { *ok = service_.load(path, error.get()); },
         [this, path, error, ok] {
           if (!*ok) return emit failed(tr("Could not load %1: %2").arg(path, *error));
           checkpointLabel_->setText(tr("Model: %1 (%2, T=%3)").arg(path, service_.dataName()).arg(service_.T()));
           K_->setMaximum(service_.T());
           // Image models sample a few hundred (each is a grid cell, and the full chain samples them
           // all T times); 2-D models thousands of points; time-series models impute every test
           // window 32 times, as `eddpm compare`.
           const bool kindChanged = service_.imageModel() != imageModel_ || service_.seriesModel() != seriesModel_;
           imageModel_ = service_.imageModel();
           seriesModel_ = service_.seriesModel();
           // A series sample imputes every test window: a thousand of them is already a lot of memory.
           n_->setRange(seriesModel_ ? 2 : 10, seriesModel_ ? 1000 : 200000);
           if (kindChanged) {
             n_->setValue(imageModel_ ? 256 : seriesModel_ ? 32 : 2000);
             outcomes_.clear();  // the table's columns change: the shown results go with them
             setTableColumns(seriesModel_);
           }
           n_->setToolTip(seriesModel_ ? tr("Imputations of every test window per schedule") : tr("Samples per schedule"));
           seriesFrame_ = {};
           fullSeries_ = {};
           showSeriesWindow();
           samplesStack_->setCurrentIndex(imageModel_ ? 1 : seriesModel_ ? 2 : 0);
           resultTabs_->setTabEnabled(1, imageModel_);
           const bool fd = service_.sweepMeasure() == "FD-LeNet";
           if (!seriesModel_) {
             table_->setColumnHidden(9, !fd);
             table_->setColumnHidden(10, !fd);
           }
           sweepPlot_->yAxis->setLabel(seriesModel_ ? tr("CRPS of the imputations")
                                                    : tr("%1 to data").arg(service_.sweepMeasure()));
           strip_->setNoiseLevels(service_.halfLogSnr());
           status_->setText(tr("Loaded %1").arg(path));
           emit checkpointLoaded(path);
           refreshPreview();
         });
}

// busy() before service_.loaded(): while a job runs (a load among them) only its thread touches
// the service.
void SamplingPage::refreshPreview() {
  if (busy()) {
    previewPending_ = true;
    return;
  }
  if (!service_.loaded()) return;
  previewPending_ = false;
  const QVector<ScheduleRequest> list = requests();
  auto views = std::make_shared<QVector<widgets::ScheduleView>>();
  auto errors = std::make_shared<QStringList>();
  runJob(
      [this, list, views, errors] {
        for (const ScheduleRequest& r : list) {
          QString error;
          views->append(service_.schedule(r, &error));
          if (!error.isEmpty()) errors->append(r.kind + ": " + error);
        }
      },
      [this, views, errors] {
        if (previewPending_) return;  // the choice changed meanwhile: only the latest is shown
        preview_ = *views;
        strip_->setSchedules(preview_);
        strip_->setEditable(!preview_.isEmpty() && preview_.front().name.startsWith("manual"));
        logSnr_->setSchedules(preview_);
        QStringList notes;
        for (const widgets::ScheduleView& v : preview_)
          if (!v.note.isEmpty()) notes << v.name + ": " + v.note;
        status_->setText(errors->isEmpty() ? notes.join("; ") : errors->join("; "));
        emit previewReady();
      });
}

void SamplingPage::requestSample() {
  if (busy()) {
    samplePending_ = true;  // runs when the current job ends
    return;
  }
  if (!service_.loaded()) return emit failed(tr("Load a checkpoint first"));
  samplePending_ = false;
  const QVector<ScheduleRequest> list = requests();
  if (list.isEmpty()) return emit failed(tr("Tick at least one schedule"));
  const int n = n_->value();
  const quint64 seed = quint64(seed_->value());
  auto results = std::make_shared<SampleResults>();
  auto reference = std::make_shared<QVector<double>>();
  QVector<Solver> distinct;
  for (const ScheduleRequest& r : list)
    if (!distinct.contains(r.solver)) distinct.append(r.solver);
  const int solvers = distinct.size();
  status_->setText(solvers > 1 ? tr("Sampling %1 schedules and the full chain of each of %2 solvers…").arg(list.size()).arg(solvers)
                               : tr("Sampling %1 schedules and the full chain…").arg(list.size()));
  runJob(
      [this, list, n, seed, results, reference] {
        *results = service_.sample(list, n, seed);
        if (!service_.imageModel() && !service_.seriesModel()) *reference = service_.referencePoints(n, seed);
      },
      [this, results, reference, n, seed] {
        outcomes_ = results->outcomes;
        floor_ = results->floor;
        fullChain_ = results->fullChain;
        seriesFrame_ = results->series;
        fullSeries_ = results->full;
        reference_ = *reference;
        sampledN_ = n;
        sampledSeed_ = seed;
        pathSample_->setMaximum(std::max(0, std::min(n, int(SamplingService::kShownImages)) - 1));
        showOutcomes();
        emit samplesReady();
      });
}

namespace {

QStringList tableCells(const SampleOutcome& o, bool isFloor) {
  const QString dash("–");
  return {o.schedule.name, isFloor ? dash : QString::fromStdString(o.solver.name()),
          isFloor ? dash : QString::number(o.schedule.timesteps.size()), isFloor ? dash : QString::number(o.nfe),
          measureCell(o.swd, 4),
          measureCell(o.mmd, 6), isFloor ? QString("–") : measureCell(o.fidelity, 5), isFloor ? QString("–") : measureCell(o.fidelitySwd, 4),
          isFloor ? QString("–") : measureCell(o.seconds, 3), measureCell(o.fd, 2), isFloor ? QString("–") : measureCell(o.fidelityFd, 2)};
}

QString scheduleCaption(const SampleOutcome& o, const QString& measure) {
  if (!o.error.isEmpty()) return QObject::tr("%1: %2").arg(o.schedule.name, o.error);
  const double value = measure == "FD-LeNet" ? o.fd : o.swd;
  return QObject::tr("%1, %2 steps: %3 %4").arg(o.schedule.name).arg(o.schedule.timesteps.size()).arg(measure)
      .arg(value, 0, 'f', measure == "FD-LeNet" ? 2 : 4);
}
}  // namespace

void SamplingPage::showOutcomes() {
  qDeleteAll(views_);
  views_.clear();
  if (seriesModel_) return showSeriesOutcomes();
  table_->setRowCount(outcomes_.size() + 1);
  QVector<widgets::ScheduleView> schedules;
  QVector<widgets::ImageSet> sets;
  QStringList errors;
  const QString measure = service_.sweepMeasure();
  for (int i = 0; i < outcomes_.size(); ++i) {
    const SampleOutcome& o = outcomes_[i];
    schedules.append(o.schedule);
    if (imageModel_) {
      sets.append({scheduleCaption(o, measure), o.images, o.difference});
    } else {
      auto* view = new widgets::PointCloudView;
      view->setPoints(o.points, reference_, scheduleCaption(o, "SWD"));
      views_.append(view);
      results_->addWidget(view);
    }
    const QStringList cells = tableCells(o, false);
    for (int c = 0; c < cells.size(); ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
    if (!o.error.isEmpty()) errors << o.schedule.name + ": " + o.error;
  }
  // The last row: what two draws of real data score against each other, the best any schedule can.
  const QStringList floorCells = tableCells(floor_, true);
  for (int c = 0; c < floorCells.size(); ++c) {
    auto* item = new QTableWidgetItem(floorCells[c]);
    item->setForeground(QColor(110, 110, 110));
    item->setToolTip(tr("Training data against the held-out data at this number of samples: the floor of the measures"));
    table_->setItem(outcomes_.size(), c, item);
  }
  if (imageModel_)
    images_->setSets({tr("full chain, %1 steps (the reference)").arg(service_.T()), fullChain_, {}}, sets);
  strip_->setSchedules(schedules);
  logSnr_->setSchedules(schedules);
  status_->setText(errors.isEmpty() ? tr("Sampled %1 schedules from the same noise").arg(outcomes_.size()) : errors.join("; "));
}

}  // namespace eddpm::explorer
