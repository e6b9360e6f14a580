#pragma once
// Reads a run folder written by `eddpm train` or the explorer (metrics.jsonl, mask_history.csv)
// back into plain plot data, so a saved run can be replayed in the live views.
#include <QString>
#include <QVector>

#include "metrics_row.h"
#include "plot_data.h"

namespace eddpm::explorer {

struct RunRecord {
  QVector<widgets::TrainingPoint> points;
  QVector<widgets::MaskFrame> frames;
  int K = 0;              // steps kept, from schedule_learned.json
  QString problem;        // empty when the folder read cleanly; else what was skipped or missing
};

// A row of metrics.jsonl as the live plots take it (the worker's snapshots and a replay alike);
// `total` and the ETA are the caller's.
widgets::TrainingPoint to_point(const MetricsRow& row);

// Lines or rows that do not parse are skipped and counted in `problem`; a folder without
// metrics.jsonl is an error (problem set, nothing read).
RunRecord read_run(const QString& runDir);

}  // namespace eddpm::explorer
