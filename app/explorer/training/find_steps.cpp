#include <torch/torch.h>  // before Qt: its `slots` macro breaks LibTorch's headers

#include "find_steps.h"

#include <algorithm>

#include <QDateTime>
#include <QDir>
#include <QFileInfo>

#include "atomic_file.h"
#include "checkpoint.h"
#include "schedule_file.h"
#include "sha256.h"
#include "step_recommendation.h"
#include "teacher.h"

namespace eddpm::explorer {

void FindStepsProgress::set(const QString& candidate, double fraction, const QString& note) {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_[candidate] = {fraction, note};
}

std::map<QString, FindStepsProgress::Entry> FindStepsProgress::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return entries_;
}

void FindStepsProgress::clear() {
  std::lock_guard<std::mutex> lock(mutex_);
  entries_.clear();
}

QStringList findStepsCandidates() {
  QStringList names;
  for (const std::string& name : recommendation_candidates()) names << QString::fromStdString(name);
  return names;
}

FindStepsResult findSteps(const FindStepsRequest& request, FindStepsProgress& progress,
                          const std::atomic<bool>* cancel) {
  const std::string checkpoint = request.checkpoint.toStdString();
  TrainedModel run = load_checkpoint(checkpoint, "auto");
  const QString stamp = QDateTime::currentDateTime().toString("yyyyMMdd-HHmmss");
  const QString folder = QFileInfo(request.checkpoint).dir().filePath(
      QString("find-steps-K%1-%2-%3").arg(request.K).arg(request.solver, stamp));
  QDir().mkpath(folder);

  RecommendSettings settings;
  settings.solver = Solver::parse(request.solver.toStdString());
  settings.K = request.K;
  settings.measure = request.measure.toStdString();
  settings.budget_minutes = request.budgetMinutes;
  settings.checkpoint = checkpoint;
  settings.checkpoint_sha256 = sha256_file(checkpoint);
  settings.teacher_cache = default_teacher_cache();
  settings.work_dir = folder.toStdString();
  RecommendHooks hooks;
  hooks.cancel = cancel;
  hooks.on_progress = [&progress](const std::string& name, double fraction, const std::string& note) {
    progress.set(QString::fromStdString(name), fraction, QString::fromStdString(note));
  };
  const Recommendation found = recommend_steps(run, settings, hooks);

  FindStepsResult result;
  result.winner = QString::fromStdString(found.winner);
  result.measure = QString::fromStdString(found.measure);
  result.folder = folder;
  for (const CandidateRow& row : found.rows) {
    FindStepsRow shown;
    shown.candidate = QString::fromStdString(row.candidate);
    shown.kind = QString::fromStdString(row.kind);
    shown.error = QString::fromStdString(row.error);
    shown.timesteps = QVector<int>(row.timesteps.begin(), row.timesteps.end());
    shown.quality = row.quality;
    shown.spread = row.spread;
    shown.seconds = row.search_seconds;
    shown.nfe = row.nfe;
    if (row.error.empty()) {
      ScheduleFile file = make_schedule_file(run.noise, run.config.semantics, row.timesteps, row.candidate);
      file.how = row.kind == "family" ? "family" : row.kind == "learned" ? "learned" : "search";
      file.settings = {{"K", request.K}, {"measure", found.measure}, {"quality", row.quality}, {"spread", row.spread}};
      file.solver = settings.solver;
      file.checkpoint_sha256 = settings.checkpoint_sha256;
      file.prediction = run.config.prediction;
      shown.file = QDir(folder).filePath(shown.candidate + ".json");
      save_schedule_json(file, shown.file.toStdString());
    }
    result.rows.push_back(shown);
  }
  std::stable_sort(result.rows.begin(), result.rows.end(), [](const FindStepsRow& a, const FindStepsRow& b) {
    if (a.error.isEmpty() != b.error.isEmpty()) return a.error.isEmpty();
    return a.error.isEmpty() && a.quality < b.quality;
  });
  write_text_atomically((folder + "/report.json").toStdString(), to_json(found).dump(2) + "\n");
  return result;
}

}  // namespace eddpm::explorer
