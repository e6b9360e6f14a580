#pragma once
// Reads a run folder written by `eddpm train` or the explorer (metrics.jsonl, mask_history.csv)
// back into plain plot data, so a saved run can be replayed in the live views, and a run another
// process is still writing can be followed (run_follower.h).
#include <QString>
#include <QVector>

#include "metrics_row.h"
#include "plot_data.h"

namespace eddpm::explorer {

struct RunRecord {
  QVector<widgets::TrainingPoint> points;
  QVector<widgets::MaskFrame> frames;
  int K = 0;              // steps kept, from schedule_learned.json (0 while the run has not written it)
  QString problem;        // empty when the folder read cleanly; else what was skipped or missing
};

// A row of metrics.jsonl as the live plots take it (the worker's snapshots and a replay alike);
// `total` and the ETA are the caller's.
widgets::TrainingPoint to_point(const MetricsRow& row);

// Reads a run folder's logs from where it last stopped: only complete lines, so a line another
// process is still writing waits for its newline.
class RunReader {
 public:
  explicit RunReader(const QString& runDir) : dir_(runDir) {}

  enum class Result { Read, NoRun, Replaced };
  // Appends the points and frames of the lines written since the last call to `into`; lines that do
  // not parse are skipped and counted in `into.problem`. NoRun: there is no metrics.jsonl. Replaced:
  // a log is shorter than what was read (the run was started again over it): read it from the start.
  Result readMore(RunRecord& into);

 private:
  // The complete lines of `file` from `offset` on; `offset` moves past them. False if the file is
  // missing; `shrank` when it is shorter than `offset`.
  bool newLines(const QString& file, qint64& offset, QList<QByteArray>& lines, bool& shrank) const;

  QString dir_;
  qint64 metricsAt_ = 0, historyAt_ = 0;
  int skipped_ = 0;
  int K_ = 0;
};

// The whole folder as it is now; a folder without metrics.jsonl is an error (problem set, nothing read).
RunRecord read_run(const QString& runDir);

}  // namespace eddpm::explorer
