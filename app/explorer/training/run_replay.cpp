#include "run_replay.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <algorithm>

#include "learned_schedule.h"

namespace eddpm::explorer {

widgets::TrainingPoint to_point(const MetricsRow& row) {
  widgets::TrainingPoint p;
  p.iteration = row.iteration;
  p.loss = row.loss;
  p.reward = row.reward;
  p.baseline = row.baseline;
  p.budget = row.budget;
  p.sumS = row.sum_s;
  p.keptOverHalf = row.kept_over_half;
  p.uncertainty = row.uncertainty;
  p.concentration = row.concentration;
  p.terminalLevel = row.terminal_level;
  p.itsPerSecond = row.its_per_s;
  p.threads = row.threads;
  return p;
}

RunRecord read_run(const QString& runDir) {
  RunRecord record;
  const QDir dir(runDir);
  QFile metrics(dir.filePath("metrics.jsonl"));
  if (!metrics.open(QIODevice::ReadOnly)) {
    record.problem = QObject::tr("%1 has no metrics.jsonl: not a run folder").arg(runDir);
    return record;
  }
  int skipped = 0;
  while (!metrics.atEnd()) {
    const QByteArray line = metrics.readLine().trimmed();
    if (line.isEmpty()) continue;
    const std::optional<MetricsRow> row = parse_metrics_row(line.toStdString());
    if (!row) {
      ++skipped;
      continue;
    }
    record.points.append(to_point(*row));
  }
  QFile schedule(dir.filePath("schedule_learned.json"));
  if (schedule.open(QIODevice::ReadOnly))
    record.K = QJsonDocument::fromJson(schedule.readAll()).object()["timesteps"].toArray().size();

  QFile history(dir.filePath("mask_history.csv"));
  if (history.open(QIODevice::ReadOnly)) {
    QTextStream in(&history);
    in.readLine();  // header
    while (!in.atEnd()) {
      const QStringList cells = in.readLine().split(',');
      if (cells.size() < 3) continue;
      widgets::MaskFrame frame;
      bool ok = true;
      frame.iteration = cells[0].toLongLong(&ok);
      for (int i = 1; i < cells.size() && ok; ++i) frame.s.append(cells[i].toDouble(&ok));
      if (!ok) {
        ++skipped;
        continue;
      }
      const std::vector<int> learned =
          top_k_timesteps({frame.s.begin(), frame.s.end()}, std::clamp(record.K, 1, int(frame.s.size())));
      frame.learned = QVector<int>(learned.begin(), learned.end());
      record.frames.append(frame);
    }
  }
  if (skipped > 0) record.problem = QObject::tr("%1 damaged lines skipped").arg(skipped);
  return record;
}

}  // namespace eddpm::explorer
