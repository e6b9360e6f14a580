// The page's form as the engine's requests: the ticked schedules times the ticked solvers, the
// manual steps (typed timesteps, or anything else for the engine to read: sigmas, JSON).
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QSpinBox>

#include "sampling_page.h"

namespace eddpm::explorer {

namespace {
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

QStringList SamplingPage::checkedKinds() const {
  QStringList kinds;
  for (int i = 0; i < kinds_->count(); ++i)
    if (kinds_->item(i)->checkState() == Qt::Checked) kinds << kinds_->item(i)->text();
  return kinds;
}

void SamplingPage::setSolvers(const QStringList& names) {
  {
    const QSignalBlocker block(solvers_);
    bool any = false;
    for (int i = 0; i < solvers_->count(); ++i) {
      const bool on = names.contains(solvers_->item(i)->text());
      any = any || on;
      solvers_->item(i)->setCheckState(on ? Qt::Checked : Qt::Unchecked);
    }
    if (!any) solvers_->item(0)->setCheckState(Qt::Checked);
  }
  bool ddim = false;
  for (const Solver& s : chosenSolvers()) ddim = ddim || s.kind == SolverKind::Ddim;
  eta_->setEnabled(ddim);
  refreshPreview();
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

void SamplingPage::setManualText(const QString& text) {
  manual_->setText(text);
  refreshPreview();
}

void SamplingPage::setSampleCount(int n) { n_->setValue(n); }

QVector<Solver> SamplingPage::chosenSolvers() const {
  QVector<Solver> solvers;
  for (int i = 0; i < solvers_->count(); ++i) {
    if (solvers_->item(i)->checkState() != Qt::Checked) continue;
    const std::string name = solvers_->item(i)->text().toStdString();
    solvers.append(Solver::parse(name, name == "ddim" ? eta_->value() : 0.0));
  }
  return solvers;
}

QVector<ScheduleRequest> SamplingPage::requests() const {
  QVector<ScheduleRequest> list;
  bool ok = false;
  const QVector<int> manual = parse_steps(manual_->text(), &ok);
  const QVector<Solver> solvers = chosenSolvers();
  for (const QString& kind : checkedKinds()) {
    for (const Solver& solver : solvers) {
      if (kind.startsWith("file:")) list.append({"file", 0, {}, kind.mid(5), solver});
      else if (kind == "manual" && !ok) list.append({kind, K_->value(), {}, {}, solver, manual_->text()});
      else list.append({kind, K_->value(), kind == "manual" ? manual : QVector<int>(), {}, solver});
    }
  }
  return list;
}

}  // namespace eddpm::explorer
