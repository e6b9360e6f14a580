#include "sampling_page.h"

#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
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
#include <QPainter>
#include <QProgressBar>
#include <QRegularExpression>

#include "log_snr_plot.h"
#include "point_cloud_view.h"
#include "save_file.h"
#include "schedule_strip.h"

namespace eddpm::explorer {

namespace {
const QStringList kKinds = {"learned", "manual",  "uniform", "trailing",   "linspace",
                            "quadratic", "logsnr", "karras",  "kl-optimal", "elbo-dp"};

QVector<int> parse_steps(const QString& text, bool* ok) {
  QVector<int> steps;
  *ok = true;
  for (const QString& token : text.split(QRegularExpression("[\\s,\\[\\]]+"), Qt::SkipEmptyParts)) {
    const int t = token.toInt(ok);
    if (!*ok || t < 0) {
      *ok = false;
      return {};
    }
    steps.append(t);
  }
  return steps;
}
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
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(kind == "learned" || kind == "uniform" ? Qt::Checked : Qt::Unchecked);
  }
  auto* addFile = new QPushButton(tr("Add schedule file…"));
  connect(addFile, &QPushButton::clicked, this, [this] {
    const QString file = QFileDialog::getOpenFileName(this, tr("Schedule file"), QString(), tr("Schedules (*.json)"));
    if (file.isEmpty()) return;
    auto* item = new QListWidgetItem("file:" + file, kinds_);
    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
    item->setCheckState(Qt::Checked);
  });
  K_ = new QSpinBox;
  K_->setRange(1, 100000);
  K_->setValue(10);
  K_->setKeyboardTracking(false);
  eta_ = new QDoubleSpinBox;
  eta_->setRange(0.0, 1.0);
  eta_->setSingleStep(0.1);
  eta_->setToolTip(tr("0 = DDIM (deterministic), 1 = DDPM (ancestral)"));
  seed_ = new QSpinBox;
  seed_->setRange(0, 2147483647);
  n_ = new QSpinBox;
  n_->setRange(10, 200000);
  n_->setValue(2000);
  manual_ = new QLineEdit;
  manual_->setPlaceholderText(tr("manual steps, e.g. 999, 700, 400, 100, 0"));
  manual_->setToolTip(tr("Type or paste 0-based timesteps; or tick 'manual' and click the strip"));
  sample_ = new QPushButton(tr("Sample"));
  sample_->setShortcut(QKeySequence("Ctrl+Return"));
  sample_->setToolTip(tr("Sample every ticked schedule from the same noise (Ctrl+Enter)"));
  sweep_ = new QPushButton(tr("Sweep K"));
  sweep_->setToolTip(tr("Quality against K for every ticked family"));
  auto* save = new QPushButton(tr("Export…"));
  auto* exportMenu = new QMenu(save);
  exportMenu->addAction(tr("Schedules (JSON or CSV)…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Write schedules to"));
    QString error;
    for (int i = 0; i < preview_.size() && !dir.isEmpty(); ++i)
      if (!saveSchedule(i, dir + "/" + preview_[i].name.section('/', -1).remove(".json") + ".json", &error))
        return emit failed(error);
    if (!dir.isEmpty()) status_->setText(tr("Schedules written to %1").arg(dir));
  });
  exportMenu->addAction(tr("Samples (PNG and CSV)…"), this, [this] {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Write samples to"));
    QString error;
    for (int i = 0; i < outcomes_.size() && !dir.isEmpty(); ++i) {
      const QString base = dir + "/samples_" + outcomes_[i].schedule.name.section('/', -1).remove(".json");
      if (!saveSamples(i, base + ".png", &error) || !saveSamples(i, base + ".csv", &error)) return emit failed(error);
    }
    if (!dir.isEmpty()) status_->setText(tr("Samples written to %1").arg(dir));
  });
  exportMenu->addAction(tr("Comparison (JSON table and PNG montage)…"), this, [this] {
    const QString path = QFileDialog::getSaveFileName(this, tr("Comparison"), "comparison.json", tr("JSON (*.json)"));
    QString error;
    if (!path.isEmpty() && !saveComparison(path, &error)) emit failed(error);
  });
  save->setMenu(exportMenu);

  auto* form = new QFormLayout;
  form->addRow(tr("&K"), K_);
  form->addRow(tr("&eta"), eta_);
  form->addRow(tr("See&d"), seed_);
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
  logSnr_ = new widgets::LogSnrPlot;
  auto* resultsWidget = new QWidget;
  results_ = new QHBoxLayout(resultsWidget);
  results_->setContentsMargins(0, 0, 0, 0);
  table_ = new QTableWidget(0, 7);
  table_->setHorizontalHeaderLabels(
      {tr("schedule"), tr("steps"), tr("SWD"), tr("MMD²"), tr("fidelity"), tr("fidelity SWD"), tr("seconds")});
  table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  sweepPlot_ = new widgets::LivePlot;
  sweepPlot_->xAxis->setLabel(tr("K (steps)"));
  sweepPlot_->yAxis->setLabel(tr("SWD to data"));
  sweepPlot_->legend->setVisible(false);  // shown once a sweep has drawn something
  status_ = new QLabel;
  busyBar_ = new QProgressBar;
  busyBar_->setRange(0, 0);  // indeterminate: engine jobs report no fraction
  busyBar_->setMaximumHeight(8);
  busyBar_->setTextVisible(false);
  busyBar_->hide();

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
    busyBar_->hide();
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
    refreshPreview();
  });
  connect(K_, &QSpinBox::valueChanged, this, &SamplingPage::refreshPreview);
  connect(manual_, &QLineEdit::editingFinished, this, [this] {
    bool ok = false;
    parse_steps(manual_->text(), &ok);
    if (!ok) return status_->setText(tr("Manual steps must be non-negative integers"));
    refreshPreview();
  });
  connect(strip_, &widgets::ScheduleStrip::manualStepsChanged, this, [this](const QVector<int>& steps) {
    setManualSteps(steps);
  });
  connect(sample_, &QPushButton::clicked, this, &SamplingPage::requestSample);
  connect(sweep_, &QPushButton::clicked, this, &SamplingPage::requestSweep);
  connect(cancel_, &QPushButton::clicked, this, &SamplingPage::cancelJob);
  service_.setCancelFlag(job_.cancelFlag());
  connect(this, &SamplingPage::failed, status_, &QLabel::setText);
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
  cancel_->setEnabled(true);
  busyBar_->show();
  done_ = std::move(done);
  job_.start(std::move(job));
}

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
           strip_->setNoiseLevels(service_.halfLogSnr());
           status_->setText(tr("Loaded %1").arg(path));
           emit checkpointLoaded(path);
           refreshPreview();
         });
}

QStringList SamplingPage::checkedKinds() const {
  QStringList kinds;
  for (int i = 0; i < kinds_->count(); ++i)
    if (kinds_->item(i)->checkState() == Qt::Checked) kinds << kinds_->item(i)->text();
  return kinds;
}

void SamplingPage::setChecked(const QStringList& kinds) {
  const QSignalBlocker block(kinds_);
  for (int i = 0; i < kinds_->count(); ++i)
    kinds_->item(i)->setCheckState(kinds.contains(kinds_->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
  refreshPreview();
}

void SamplingPage::setManualSteps(const QVector<int>& steps) {
  QStringList text;
  for (int t : steps) text << QString::number(t);
  manual_->setText(text.join(", "));
  refreshPreview();
}

QVector<ScheduleRequest> SamplingPage::requests() const {
  QVector<ScheduleRequest> list;
  bool ok = false;
  const QVector<int> manual = parse_steps(manual_->text(), &ok);
  for (const QString& kind : checkedKinds()) {
    if (kind.startsWith("file:")) list.append({"file", 0, {}, kind.mid(5)});
    else list.append({kind, K_->value(), kind == "manual" ? manual : QVector<int>(), {}});
  }
  return list;
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
        strip_->setEditable(!preview_.isEmpty() && preview_.front().name == "manual");
        logSnr_->setSchedules(preview_);
        status_->setText(errors->isEmpty() ? QString() : errors->join("; "));
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
  const double eta = eta_->value();
  const quint64 seed = quint64(seed_->value());
  auto outcomes = std::make_shared<QVector<SampleOutcome>>();
  auto reference = std::make_shared<QVector<double>>();
  status_->setText(tr("Sampling %1 schedules…").arg(list.size()));
  runJob(
      [this, list, n, eta, seed, outcomes, reference] {
        *outcomes = service_.sample(list, n, eta, seed);
        *reference = service_.referencePoints(n, seed);
      },
      [this, outcomes, reference] {
        outcomes_ = *outcomes;
        reference_ = *reference;
        showOutcomes();
        emit samplesReady();
      });
}

void SamplingPage::showOutcomes() {
  qDeleteAll(views_);
  views_.clear();
  table_->setRowCount(outcomes_.size());
  QVector<widgets::ScheduleView> schedules;
  QStringList errors;
  for (int i = 0; i < outcomes_.size(); ++i) {
    const SampleOutcome& o = outcomes_[i];
    schedules.append(o.schedule);
    auto* view = new widgets::PointCloudView;
    view->setPoints(o.points, reference_,
                    o.error.isEmpty() ? tr("%1, %2 steps: SWD %3").arg(o.schedule.name).arg(o.schedule.timesteps.size()).arg(o.swd, 0, 'f', 4)
                                      : tr("%1: %2").arg(o.schedule.name, o.error));
    views_.append(view);
    results_->addWidget(view);
    const QStringList cells = {o.schedule.name, QString::number(o.schedule.timesteps.size()), QString::number(o.swd, 'f', 4),
                               QString::number(o.mmd, 'f', 6), QString::number(o.fidelity, 'f', 5),
                               QString::number(o.fidelitySwd, 'f', 4), QString::number(o.seconds, 'f', 3)};
    for (int c = 0; c < cells.size(); ++c) table_->setItem(i, c, new QTableWidgetItem(cells[c]));
    if (!o.error.isEmpty()) errors << o.schedule.name + ": " + o.error;
  }
  strip_->setSchedules(schedules);
  logSnr_->setSchedules(schedules);
  status_->setText(errors.isEmpty() ? tr("Sampled %1 schedules from the same noise").arg(outcomes_.size()) : errors.join("; "));
}

void SamplingPage::requestSweep() {
  if (busy() || !service_.loaded()) return;
  QStringList kinds;
  for (const QString& kind : checkedKinds())
    if (kind != "manual" && !kind.startsWith("file:")) kinds << kind;
  if (kinds.isEmpty()) return emit failed(tr("Tick at least one schedule family to sweep"));
  QVector<int> Ks;
  for (int K : {2, 3, 5, 10, 20, 50, 100})
    if (K <= service_.T()) Ks << K;
  const int n = std::min(n_->value(), 1000);
  const quint64 seed = quint64(seed_->value());
  auto points = std::make_shared<QVector<SweepPoint>>();
  status_->setText(tr("Sweeping K for %1 families…").arg(kinds.size()));
  runJob([this, kinds, Ks, n, seed, points] { *points = service_.sweep(kinds, Ks, n, seed); },
         [this, kinds, points] {
           sweepPoints_ = *points;
           sweepPlot_->clearGraphs();
           for (int i = 0; i < kinds.size(); ++i) {
             QCPGraph* g = sweepPlot_->addGraph();
             g->setName(kinds[i]);
             g->setPen(QPen(widgets::scheduleColor(i), 1.5));
             g->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssDisc, 5));
             for (const SweepPoint& p : sweepPoints_)
               if (p.kind == kinds[i]) g->addData(p.K, p.swd);
           }
           sweepPlot_->legend->setVisible(sweepPlot_->graphCount() > 0);
           sweepPlot_->xAxis->setScaleType(QCPAxis::stLogarithmic);
           sweepPlot_->rescaleAxes();
           sweepPlot_->replot();
           status_->setText(tr("Sweep done"));
           emit sweepReady();
         });
}

namespace {
// Exports read the service: never while a job's thread uses it.
bool refuseWhileBusy(bool busy, QString* error) {
  if (busy && error) *error = QObject::tr("Wait for the running job to end (or cancel it with Esc)");
  return busy;
}
}  // namespace

bool SamplingPage::saveSchedule(int index, const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (index < 0 || index >= preview_.size()) return false;
  return service_.saveSchedule(preview_[index], path, error);
}

bool SamplingPage::saveSamples(int index, const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  if (index < 0 || index >= outcomes_.size()) return false;
  return service_.savePoints(outcomes_[index], eta_->value(), quint64(seed_->value()), path, error);
}

bool SamplingPage::saveComparison(const QString& path, QString* error) {
  if (refuseWhileBusy(busy(), error)) return false;
  QJsonArray rows;
  for (const SampleOutcome& o : outcomes_) {
    QJsonArray steps;
    for (int t : o.schedule.timesteps) steps.append(t);
    rows.append(QJsonObject{{"model", service_.checkpoint()}, {"schedule", o.schedule.name}, {"K", steps.size()},
                            {"timesteps", steps}, {"eta", eta_->value()}, {"seed", seed_->value()},
                            {"quality", QJsonObject{{"swd", o.swd}, {"mmd", o.mmd}, {"fidelity", o.fidelity}, {"fidelity_swd", o.fidelitySwd}}},
                            {"seconds", o.seconds}});
  }
  const QByteArray json = QJsonDocument(rows).toJson();
  bool ok = widgets::saveAtomically(path, error, [&](const QString& temporary) {
    QFile f(temporary);
    return f.open(QIODevice::WriteOnly) && f.write(json) == json.size();
  });
  // The montage: every result side by side in one picture beside the table.
  if (ok && !views_.isEmpty()) {
    const QString png = path.left(path.lastIndexOf('.')) + ".png";
    ok = widgets::saveAtomically(png, error, [&](const QString& temporary) {
      QPixmap montage(views_.size() * 360, 360);
      montage.fill(Qt::white);
      QPainter painter(&montage);
      for (int i = 0; i < views_.size(); ++i) painter.drawPixmap(i * 360, 0, views_[i]->toPixmap(360, 360));
      return montage.save(temporary, "PNG");
    });
  }
  if (ok) status_->setText(tr("Comparison written to %1").arg(path));
  return ok;
}

}  // namespace eddpm::explorer
