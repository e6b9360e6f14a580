// The Sample & compare page for time-series models: pick a test window and a series, see what the
// model saw, the hidden values it was scored on, and each schedule's imputations (median, 5-95%)
// beside the full chain's; the table holds CSDI's scores; exports are CSV imputations and the plot.
#include <algorithm>
#include <cmath>

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "sampling_page.h"

#include "elided_label.h"
#include "imputation_plot.h"
#include "log_snr_plot.h"
#include "sampling_text.h"
#include "schedule_strip.h"

namespace eddpm::explorer {

namespace {
// The table's columns, one list per kind of model; cells are filled in this order.
const char* const kPointColumns[] = {QT_TR_NOOP("schedule"), QT_TR_NOOP("solver"),       QT_TR_NOOP("steps"),
                                     QT_TR_NOOP("NFE"),      QT_TR_NOOP("SWD"),          QT_TR_NOOP("MMD²"),
                                     QT_TR_NOOP("fidelity"), QT_TR_NOOP("fidelity SWD"), QT_TR_NOOP("seconds"),
                                     QT_TR_NOOP("FD-LeNet"), QT_TR_NOOP("fidelity FD")};
const char* const kSeriesColumns[] = {QT_TR_NOOP("schedule"), QT_TR_NOOP("solver"),     QT_TR_NOOP("steps"),
                                      QT_TR_NOOP("NFE"),      QT_TR_NOOP("CRPS"),       QT_TR_NOOP("MAE"),
                                      QT_TR_NOOP("RMSE"),     QT_TR_NOOP("CRPS (units)"), QT_TR_NOOP("MAE (units)"),
                                      QT_TR_NOOP("RMSE (units)"), QT_TR_NOOP("fidelity"), QT_TR_NOOP("seconds")};


// `reference`: the full chain's row, which has no fidelity (it is fidelity's reference).
QStringList seriesCells(const SampleOutcome& o, bool reference) {
  if (!o.error.isEmpty()) return {o.schedule.name, QString::fromStdString(o.solver.name()), o.error};
  return {o.schedule.name, QString::fromStdString(o.solver.name()), QString::number(o.schedule.timesteps.size()),
          QString::number(o.nfe), measureCell(o.scores.crps, 4), measureCell(o.scores.mae, 4), measureCell(o.scores.rmse, 4),
          measureCell(o.scoresOriginal.crps, 4), measureCell(o.scoresOriginal.mae, 4), measureCell(o.scoresOriginal.rmse, 4),
          reference ? QString("–") : measureCell(o.fidelity, 5), measureCell(o.seconds, 2)};
}

// One window of one series from a flattened (window, series, value) array.
QVector<double> slice(const QVector<double>& values, const SeriesFrame& f, int window, int series) {
  const int first = f.index(window, series, 0);
  return first + f.length <= values.size() ? values.mid(first, f.length) : QVector<double>();
}
}  // namespace

void SamplingPage::setTableColumns(bool series) {
  QStringList labels;
  if (series)
    for (const char* c : kSeriesColumns) labels << tr(c);
  else
    for (const char* c : kPointColumns) labels << tr(c);
  table_->clearContents();
  table_->setRowCount(0);
  table_->setColumnCount(labels.size());
  table_->setHorizontalHeaderLabels(labels);
  for (int c = 0; c < labels.size(); ++c) table_->setColumnHidden(c, false);
  table_->horizontalHeaderItem(3)->setToolTip(tr("Network evaluations: K for every solver but Heun (2K - 1)"));
  if (series) {
    table_->horizontalHeaderItem(4)->setToolTip(
        tr("CSDI's CRPS of the imputations at the hidden values (19 quantiles, divided by the sum of |truth|), "
           "standardized series; lower is better"));
    table_->horizontalHeaderItem(5)->setToolTip(tr("Mean absolute error of the imputations' median, standardized"));
    table_->horizontalHeaderItem(10)->setToolTip(
        tr("Mean squared distance per hidden value to the full chain's imputations from the same noise"));
  }
}

QWidget* SamplingPage::makeSeriesPanel() {
  seriesWindow_ = new QSpinBox;
  seriesWindow_->setRange(0, 0);
  seriesWindow_->setToolTip(tr("The test window shown (click the plot, then PgUp / PgDn step through them)"));
  seriesName_ = new QComboBox;
  seriesName_->setToolTip(tr("The series shown"));
  seriesLayout_ = new QComboBox;
  seriesLayout_->addItems({tr("overlaid"), tr("side by side")});
  seriesLayout_->setToolTip(tr("Every schedule's band in one plot, or one panel a schedule on a shared value axis"));
  showFull_ = new QCheckBox(tr("full chain"));
  showFull_->setChecked(true);
  showFull_->setToolTip(tr("Draw the full chain's imputations (grey, dashed): the reference every row is measured against"));
  seriesSpan_ = new QLabel;
  imputationPlot_ = new widgets::ImputationPlot;
  auto* controls = new QHBoxLayout;
  auto* windowLabel = new QLabel(tr("&Window"));
  windowLabel->setBuddy(seriesWindow_);
  auto* seriesLabel = new QLabel(tr("Se&ries"));
  seriesLabel->setBuddy(seriesName_);
  controls->addWidget(windowLabel);
  controls->addWidget(seriesWindow_);
  controls->addWidget(seriesSpan_);
  controls->addSpacing(12);
  controls->addWidget(seriesLabel);
  controls->addWidget(seriesName_, 1);
  controls->addWidget(seriesLayout_);
  controls->addWidget(showFull_);
  auto* panel = new QWidget;
  auto* layout = new QVBoxLayout(panel);
  layout->setContentsMargins(0, 0, 0, 0);
  layout->addLayout(controls);
  layout->addWidget(imputationPlot_, 1);
  connect(seriesWindow_, &QSpinBox::valueChanged, this, &SamplingPage::showSeriesWindow);
  connect(seriesName_, &QComboBox::currentIndexChanged, this, &SamplingPage::showSeriesWindow);
  connect(showFull_, &QCheckBox::toggled, this, &SamplingPage::showSeriesWindow);
  connect(seriesLayout_, &QComboBox::currentIndexChanged, this, [this](int index) {
    imputationPlot_->setLayout(index == 0 ? widgets::ImputationLayout::Overlaid : widgets::ImputationLayout::SideBySide);
  });
  // PgDn / PgUp step through the windows while the panel (a click on the plot) has the focus.
  imputationPlot_->setFocusPolicy(Qt::ClickFocus);
  auto* next = new QAction(panel);
  next->setShortcut(QKeySequence(Qt::Key_PageDown));
  next->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(next, &QAction::triggered, seriesWindow_, &QSpinBox::stepUp);
  auto* previous = new QAction(panel);
  previous->setShortcut(QKeySequence(Qt::Key_PageUp));
  previous->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  connect(previous, &QAction::triggered, seriesWindow_, &QSpinBox::stepDown);
  panel->addActions({next, previous});
  return panel;
}

void SamplingPage::setSeriesWindow(int window, int series) {
  seriesWindow_->setValue(window);
  if (series >= 0 && series < seriesName_->count()) seriesName_->setCurrentIndex(series);
  showSeriesWindow();
}

void SamplingPage::showSeriesOutcomes() {
  const int window = seriesWindow_->value(), series = std::max(0, seriesName_->currentIndex());
  {
    const QSignalBlocker b1(seriesWindow_), b2(seriesName_);
    seriesWindow_->setRange(0, std::max(0, seriesFrame_.windows - 1));
    seriesWindow_->setSuffix(tr(" of %1").arg(seriesFrame_.windows));
    seriesName_->clear();
    seriesName_->addItems(seriesFrame_.seriesNames);
    seriesWindow_->setValue(std::min(window, seriesWindow_->maximum()));
    seriesName_->setCurrentIndex(std::min(series, seriesName_->count() - 1));
  }
  // The full chain first, in grey: the reference the other rows are measured against.
  table_->setRowCount(outcomes_.size() + 1);
  auto fill = [this](int row, const SampleOutcome& o, bool reference) {
    const QStringList cells = seriesCells(o, reference);
    for (int c = 0; c < table_->columnCount(); ++c) {
      auto* item = new QTableWidgetItem(c < cells.size() ? cells[c] : QString());
      if (reference) {
        item->setForeground(QColor(110, 110, 110));
        item->setToolTip(tr("The full chain of %1 steps from the same noise: the reference").arg(o.nfe));
      }
      table_->setItem(row, c, item);
    }
  };
  fill(0, fullSeries_, true);
  QVector<widgets::ScheduleView> schedules;
  QStringList errors;
  for (int i = 0; i < outcomes_.size(); ++i) {
    fill(i + 1, outcomes_[i], false);
    schedules.append(outcomes_[i].schedule);
    if (!outcomes_[i].error.isEmpty()) errors << outcomes_[i].schedule.name + ": " + outcomes_[i].error;
  }
  strip_->setSchedules(schedules);
  logSnr_->setSchedules(schedules);
  showSeriesWindow();
  const int hidden = int(std::count_if(seriesFrame_.hidden.begin(), seriesFrame_.hidden.end(),
                                       [](double v) { return !std::isnan(v); }));
  status_->setText(errors.isEmpty() ? tr("Imputed %1 test windows x %2 samples with %3 schedules and the full chain; "
                                         "scored on the %4 hidden values")
                                          .arg(seriesFrame_.windows).arg(fullSeries_.imputationCount)
                                          .arg(outcomes_.size()).arg(hidden)
                                    : errors.join("; "));
}

void SamplingPage::showSeriesWindow() {
  if (seriesFrame_.empty()) return imputationPlot_->setWindow({}, {});
  const int w = std::clamp(seriesWindow_->value(), 0, seriesFrame_.windows - 1);
  const int k = std::clamp(seriesName_->currentIndex(), 0, seriesFrame_.series - 1);
  widgets::SeriesWindowView view;
  view.timeLabels = seriesFrame_.timeLabels.value(w);
  view.observed = slice(seriesFrame_.observed, seriesFrame_, w, k);
  view.hidden = slice(seriesFrame_.hidden, seriesFrame_, w, k);
  view.title = tr("%1, test window %2 of %3").arg(seriesFrame_.seriesNames.value(k)).arg(w).arg(seriesFrame_.windows);
  if (!view.timeLabels.isEmpty())
    seriesSpan_->setText(tr("%1 … %2").arg(view.timeLabels.front(), view.timeLabels.back()));
  QVector<widgets::ImputationBand> bands;
  auto band = [&](const SampleOutcome& o, bool reference) {
    if (o.median.isEmpty()) return;
    bands.append({QString("%1, %2 steps").arg(o.schedule.name).arg(o.schedule.timesteps.size()),
                  slice(o.median, seriesFrame_, w, k), slice(o.low, seriesFrame_, w, k), slice(o.high, seriesFrame_, w, k),
                  reference});
  };
  for (const SampleOutcome& o : outcomes_) band(o, false);
  if (showFull_->isChecked()) band(fullSeries_, true);
  imputationPlot_->setWindow(view, bands);
}

bool SamplingPage::saveImputations(int index, const QString& path, QString* error) {
  if (busy()) {
    if (error) *error = tr("Wait for the running job to end (or cancel it with Esc)");
    return false;
  }
  if (!seriesModel_ || index < -1 || index >= outcomes_.size()) {
    if (error) *error = tr("No imputations %1 to save: sample a time-series model first").arg(index);
    return false;
  }
  return service_.saveImputations(index < 0 ? fullSeries_ : outcomes_[index], seriesFrame_, path, error);
}

// One folder: each schedule's imputations (and the full chain's) as CSV, the plot as PNG and PDF.
void SamplingPage::exportSeries() {
  if (outcomes_.isEmpty() || seriesFrame_.empty()) return emit failed(tr("Sample first"));
  const QString dir = QFileDialog::getExistingDirectory(this, tr("Write imputations to"));
  if (dir.isEmpty()) return;
  QString error;
  if (!saveImputations(-1, dir + "/imputations_full.csv", &error)) return emit failed(error);
  for (int i = 0; i < outcomes_.size(); ++i)
    if (!outcomes_[i].error.isEmpty()) continue;
    else if (!saveImputations(i, dir + "/imputations_" + fileStem(outcomes_[i].schedule.name) + ".csv", &error))
      return emit failed(error);
  const QString plot = dir + QString("/imputation_window%1_%2").arg(seriesWindow_->value()).arg(fileStem(seriesName_->currentText()));
  if (!imputationPlot_->exportTo(plot + ".png", &error) || !imputationPlot_->exportTo(plot + ".pdf", &error))
    return emit failed(error);
  status_->setText(tr("Imputations (CSV) and the shown window's plot (PNG, PDF) written to %1").arg(dir));
}

}  // namespace eddpm::explorer
