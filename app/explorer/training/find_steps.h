#pragma once
// The engine behind the explorer's Find steps dialog, without LibTorch in its header: `eddpm
// recommend` (core/training/step_recommendation.h) on a checkpoint, its progress per candidate for
// the dialog to poll, and every candidate's steps written as schedule files the Sample & compare
// page opens. Lives on the training side: EDDPM's mask search is training code.
#include <atomic>
#include <map>
#include <mutex>

#include <QString>
#include <QVector>

namespace eddpm::explorer {

struct FindStepsRequest {
  QString checkpoint;
  int K = 10;
  QString solver = "ddim";
  QString measure;             // empty: the model's own
  double budgetMinutes = 1.0;  // 0: every search to its end
};

struct FindStepsRow {
  QString candidate, kind, error;
  QVector<int> timesteps;
  double quality = 0.0, spread = 0.0, seconds = 0.0;
  qint64 nfe = 0;
  QString file;  // its schedule file (empty when it did not run)
};

struct FindStepsResult {
  QString winner, measure;
  QVector<FindStepsRow> rows;  // best first; those that did not run last
  QString folder;              // where the files went
};

// Per candidate: fraction done and what it is doing. Written by the job, read by the GUI.
class FindStepsProgress {
 public:
  struct Entry {
    double fraction = 0.0;
    QString note;
  };
  void set(const QString& candidate, double fraction, const QString& note);
  std::map<QString, Entry> snapshot() const;
  void clear();

 private:
  mutable std::mutex mutex_;
  std::map<QString, Entry> entries_;
};

// The candidates in the order they run (as `eddpm recommend` names them).
QStringList findStepsCandidates();

// Runs the recommendation and writes, into a new folder beside the checkpoint
// (find-steps-K<K>-<solver>-<time>), report.json and one schedule file per candidate. Throws
// std::exception with the reason (a bad checkpoint, a measure the model has no meaning for) and
// eddpm::Cancelled when `cancel` is set.
FindStepsResult findSteps(const FindStepsRequest& request, FindStepsProgress& progress,
                          const std::atomic<bool>* cancel);

}  // namespace eddpm::explorer
