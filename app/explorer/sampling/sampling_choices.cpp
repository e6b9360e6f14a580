// The page's form as the engine's requests: each ticked schedule times its solvers (its own, else
// the ticked ones), the manual steps (typed timesteps, or anything else for the engine to read: sigmas, JSON).
#include <QDoubleSpinBox>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QRegularExpression>
#include <QSpinBox>

#include "sampling_page.h"

#include "elided_label.h"

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

namespace {
QString kindOf(const QListWidgetItem* item) { return item->data(SamplingPage::kKindRole).toString(); }
QStringList ownSolvers(const QListWidgetItem* item) { return item->data(SamplingPage::kSolversRole).toStringList(); }
}  // namespace

QStringList SamplingPage::checkedKinds() const {
  QStringList kinds;
  for (int i = 0; i < kinds_->count(); ++i)
    if (kinds_->item(i)->checkState() == Qt::Checked) kinds << kindOf(kinds_->item(i));
  return kinds;
}

QListWidgetItem* SamplingPage::scheduleItem(const QString& kind) const {
  for (int i = 0; i < kinds_->count(); ++i)
    if (kindOf(kinds_->item(i)) == kind) return kinds_->item(i);
  return nullptr;
}

QListWidgetItem* SamplingPage::addScheduleFile(const QString& file) {
  if (QListWidgetItem* known = scheduleItem("file:" + file)) return known;
  auto* item = new QListWidgetItem("file:" + file, kinds_);
  item->setData(kKindRole, "file:" + file);
  item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
  item->setCheckState(Qt::Checked);
  return item;
}

QString SamplingPage::checkpoint() const { return service_.loaded() ? service_.checkpoint() : QString(); }

void SamplingPage::openScheduleFiles(const QStringList& files, const QString& solver, int K) {
  QStringList kinds;
  for (const QString& file : files) kinds << kindOf(addScheduleFile(file));
  setChecked(kinds);
  setSolvers({solver});
  K_->setValue(K);
  requestSample();
}

QStringList SamplingPage::scheduleSolvers(const QString& kind) const {
  const QListWidgetItem* item = scheduleItem(kind);
  return item ? ownSolvers(item) : QStringList();
}

bool SamplingPage::setScheduleSolvers(const QString& kind, const QStringList& names) {
  QListWidgetItem* item = scheduleItem(kind);
  if (!item) return false;
  QStringList known;  // in the solver list's order, each once
  for (const std::string& name : solver_names())
    if (names.contains(QString::fromStdString(name))) known << QString::fromStdString(name);
  const QStringList before = ownSolvers(item);
  {
    const QSignalBlocker block(kinds_);
    item->setData(kSolversRole, known);
    if (pairCount() > kMaxPairs) {
      item->setData(kSolversRole, before);
      status_->setText(tr("At most %1 schedule and solver pairs side by side").arg(kMaxPairs));
      return false;
    }
    // The list shows the same spelling as --kinds and --compare take.
    item->setText(known.isEmpty() ? kind : kind + "@" + known.join('+'));
    item->setToolTip(known.isEmpty() ? tr("Sampled with the ticked solvers (right-click: solvers of its own)")
                                     : tr("Sampled with %1 alone (right-click to change)").arg(known.join(", ")));
  }
  enableEta();
  refreshPreview();
  return true;
}

void SamplingPage::showScheduleSolversMenu(const QPoint& at) {
  QListWidgetItem* item = kinds_->itemAt(at);
  if (!item) return;
  const QString kind = kindOf(item);
  QMenu menu(this);
  menu.addSection(tr("Solvers for %1").arg(kind.section('/', -1)));
  QAction* ticked = menu.addAction(tr("The ticked solvers, as every schedule"));
  ticked->setCheckable(true);
  ticked->setChecked(ownSolvers(item).isEmpty());
  connect(ticked, &QAction::triggered, this, [this, kind] { setScheduleSolvers(kind, {}); });
  for (const std::string& s : solver_names()) {
    const QString name = QString::fromStdString(s);
    QAction* action = menu.addAction(name);
    action->setCheckable(true);
    action->setChecked(ownSolvers(item).contains(name));
    connect(action, &QAction::triggered, this, [this, kind, name](bool on) {
      QStringList own = scheduleSolvers(kind);
      if (on) own << name;
      else own.removeAll(name);
      setScheduleSolvers(kind, own);
    });
  }
  menu.exec(kinds_->viewport()->mapToGlobal(at));
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
  enableEta();
  refreshPreview();
}

void SamplingPage::enableEta() {
  bool ddim = false;
  for (int i = 0; i < kinds_->count(); ++i)
    if (kinds_->item(i)->checkState() == Qt::Checked)
      for (const Solver& s : solversOf(kinds_->item(i))) ddim = ddim || s.kind == SolverKind::Ddim;
  eta_->setEnabled(ddim);
}

void SamplingPage::setChecked(const QStringList& kinds) {
  {
    const QSignalBlocker block(kinds_);
    for (int i = 0; i < kinds_->count(); ++i) kinds_->item(i)->setCheckState(Qt::Unchecked);
    for (const QString& text : kinds) {
      ScheduleWithSolvers named;
      try {
        named = parse_schedule_with_solvers(text.trimmed().toStdString());
      } catch (const std::invalid_argument& e) {
        status_->setText(QString::fromStdString(e.what()));
        continue;
      }
      QListWidgetItem* item = scheduleItem(QString::fromStdString(named.schedule));
      if (!item) continue;
      QStringList own;
      for (const Solver& s : named.solvers) own << QString::fromStdString(s.name());
      item->setCheckState(Qt::Checked);
      item->setData(kSolversRole, own);
      item->setText(own.isEmpty() ? kindOf(item) : kindOf(item) + "@" + own.join('+'));
    }
  }
  enableEta();
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

QVector<Solver> SamplingPage::solversOf(const QListWidgetItem* item) const {
  const QStringList own = ownSolvers(item);
  if (own.isEmpty()) return chosenSolvers();
  QVector<Solver> solvers;
  for (const QString& name : own)
    solvers.append(Solver::parse(name.toStdString(), name == "ddim" ? eta_->value() : 0.0));
  return solvers;
}

int SamplingPage::pairCount() const {
  int pairs = 0;
  for (int i = 0; i < kinds_->count(); ++i)
    if (kinds_->item(i)->checkState() == Qt::Checked) pairs += int(solversOf(kinds_->item(i)).size());
  return pairs;
}

QVector<ScheduleRequest> SamplingPage::requests() const {
  QVector<ScheduleRequest> list;
  bool ok = false;
  const QVector<int> manual = parse_steps(manual_->text(), &ok);
  for (int i = 0; i < kinds_->count(); ++i) {
    const QListWidgetItem* item = kinds_->item(i);
    if (item->checkState() != Qt::Checked) continue;
    const QString kind = kindOf(item);
    for (const Solver& solver : solversOf(item)) {
      if (kind.startsWith("file:")) list.append({"file", 0, {}, kind.mid(5), solver});
      else if (kind == "manual" && !ok) list.append({kind, K_->value(), {}, {}, solver, manual_->text()});
      else list.append({kind, K_->value(), kind == "manual" ? manual : QVector<int>(), {}, solver});
    }
  }
  return list;
}

}  // namespace eddpm::explorer
