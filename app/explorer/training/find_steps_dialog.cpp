#include "find_steps_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include "solver_kind.h"

namespace eddpm::explorer {

namespace {
constexpr int kShownInSampleCompare = 6;  // SamplingPage::kMaxSchedules
}

FindStepsDialog::FindStepsDialog(const QString& checkpoint, int K, const QString& solver, QWidget* parent)
    : QDialog(parent), checkpoint_(checkpoint) {
  setWindowTitle(tr("Find steps"));
  K_ = new QSpinBox;
  K_->setRange(1, 1000);
  K_->setValue(K);
  solver_ = new QComboBox;
  for (const std::string& name : solver_names()) solver_->addItem(QString::fromStdString(name));
  solver_->setCurrentText(solver);
  measure_ = new QComboBox;
  measure_->addItem(tr("the model's own (FD-LeNet, CRPS or SWD)"), QString());
  for (const char* m : {"fd", "crps", "swd", "fidelity"}) measure_->addItem(m, QString(m));
  budget_ = new QDoubleSpinBox;
  budget_->setRange(0.0, 600.0);
  budget_->setValue(1.0);
  budget_->setSuffix(tr(" min"));
  budget_->setToolTip(tr("Time for ELBO-DP, the searches and EDDPM's mask search together, in six even shares; 0: each runs to its end"));
  auto* form = new QFormLayout;
  form->addRow(tr("Model"), new QLabel(checkpoint));
  form->addRow(tr("Steps K"), K_);
  form->addRow(tr("Solver"), solver_);
  form->addRow(tr("Measure"), measure_);
  form->addRow(tr("Search budget"), budget_);

  auto* grid = new QGridLayout;
  int row = 0;
  for (const QString& name : findStepsCandidates()) {
    auto* bar = new QProgressBar;
    bar->setRange(0, 100);
    bar->setValue(0);
    auto* note = new QLabel;
    note->setMinimumWidth(320);
    grid->addWidget(new QLabel(name), row, 0);
    grid->addWidget(bar, row, 1);
    grid->addWidget(note, row, 2);
    bars_ << bar;
    notes_ << note;
    ++row;
  }

  table_ = new QTableWidget(0, 6);
  table_->setHorizontalHeaderLabels({tr("Candidate"), tr("Kind"), tr("Quality"), tr("NFE"), tr("Search s"), tr("Steps")});
  table_->horizontalHeader()->setStretchLastSection(true);
  table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
  status_ = new QLabel(tr("Press Find: every candidate proposes K steps, then all are scored on held-out samples."));
  status_->setWordWrap(true);

  find_ = new QPushButton(tr("&Find"));
  find_->setDefault(true);
  open_ = new QPushButton(tr("&Open in Sample && compare"));
  open_->setEnabled(false);
  auto* close = new QPushButton(tr("&Close"));
  auto* buttons = new QDialogButtonBox;
  buttons->addButton(find_, QDialogButtonBox::ActionRole);
  buttons->addButton(open_, QDialogButtonBox::ActionRole);
  buttons->addButton(close, QDialogButtonBox::RejectRole);
  connect(find_, &QPushButton::clicked, this, &FindStepsDialog::start);
  connect(close, &QPushButton::clicked, this, &FindStepsDialog::reject);
  connect(open_, &QPushButton::clicked, this, [this] {
    QStringList files;
    for (const FindStepsRow& r : result_.rows)
      if (!r.file.isEmpty() && files.size() < kShownInSampleCompare) files << r.file;
    emit openInSampleCompare(files, request_.solver, request_.K);
  });

  auto* layout = new QVBoxLayout(this);
  layout->addLayout(form);
  layout->addLayout(grid);
  layout->addWidget(table_, 1);
  layout->addWidget(status_);
  layout->addWidget(buttons);

  resize(1000, 860);
  poll_ = new QTimer(this);
  poll_->setInterval(200);
  connect(poll_, &QTimer::timeout, this, &FindStepsDialog::showProgress);
  connect(&job_, &BackgroundJob::finished, this, &FindStepsDialog::showResult);
}

QString FindStepsDialog::statusText() const { return status_->text(); }

void FindStepsDialog::start() {
  if (job_.running()) return;
  request_ = {checkpoint_, K_->value(), solver_->currentText(), measure_->currentData().toString(), budget_->value()};
  for (QProgressBar* bar : bars_) bar->setValue(0);
  for (QLabel* note : notes_) note->clear();
  table_->setRowCount(0);
  open_->setEnabled(false);
  find_->setEnabled(false);
  status_->setText(tr("Searching… (Esc stops)"));
  progress_.clear();
  const FindStepsRequest request = request_;
  job_.start([this, request] { result_ = findSteps(request, progress_, job_.cancelFlag()); });
  poll_->start();
}

void FindStepsDialog::showProgress() {
  const auto entries = progress_.snapshot();
  const QStringList names = findStepsCandidates();
  for (int i = 0; i < names.size(); ++i) {
    const auto found = entries.find(names[i]);
    if (found == entries.end()) continue;
    bars_[i]->setValue(int(100 * found->second.fraction));
    notes_[i]->setText(found->second.note);
  }
}

void FindStepsDialog::showResult() {
  poll_->stop();
  showProgress();
  find_->setEnabled(true);
  if (job_.cancelled()) {
    status_->setText(tr("Stopped: nothing was written beyond the search's own folder."));
    return emit done();
  }
  if (!job_.error().empty()) {
    status_->setText(tr("Find steps failed: %1").arg(QString::fromStdString(job_.error())));
    return emit done();
  }
  table_->setRowCount(result_.rows.size());
  for (int i = 0; i < result_.rows.size(); ++i) {
    const FindStepsRow& r = result_.rows[i];
    QStringList steps;
    for (int t : r.timesteps) steps << QString::number(t);
    const QString quality = r.error.isEmpty() ? QString("%1 ± %2").arg(r.quality, 0, 'g', 4).arg(r.spread, 0, 'g', 2)
                                              : tr("not run: %1").arg(r.error);
    const QStringList cells = {r.candidate, r.kind, quality, QString::number(r.nfe), QString::number(r.seconds, 'f', 1),
                               steps.join(' ')};
    for (int c = 0; c < cells.size(); ++c) {
      auto* item = new QTableWidgetItem(cells[c]);
      if (r.candidate == result_.winner) {
        QFont bold = item->font();
        bold.setBold(true);
        item->setFont(bold);
      }
      table_->setItem(i, c, item);
    }
  }
  table_->resizeColumnsToContents();
  const FindStepsRow& best = result_.rows.first();
  status_->setText(tr("Winner: %1, %2 %3 ± %4 on held-out samples (lower is better). Files in %5.")
                       .arg(result_.winner, result_.measure)
                       .arg(best.quality, 0, 'g', 4)
                       .arg(best.spread, 0, 'g', 2)
                       .arg(result_.folder));
  open_->setEnabled(true);
  emit done();
}

void FindStepsDialog::reject() {
  if (job_.running()) {
    job_.cancel();
    status_->setText(tr("Stopping…"));
    return;
  }
  QDialog::reject();
}

}  // namespace eddpm::explorer
