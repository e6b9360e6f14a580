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
    const QJsonObject o = QJsonDocument::fromJson(line).object();
    if (!o.contains("iter")) {
      ++skipped;
      continue;
    }
    widgets::TrainingPoint p;
    p.iteration = o["iter"].toInteger();
    p.loss = o["loss"].toDouble();
    p.reward = o["reward"].toDouble();
    p.baseline = o["baseline"].toDouble();
    p.budget = o["budget"].toDouble();
    p.sumS = o["sum_s"].toDouble();
    p.keptOverHalf = o["kept_over_half"].toInt();
    p.uncertainty = o["uncertainty"].toDouble();
    p.concentration = o["concentration"].toDouble();
    p.terminalLevel = o["terminal_level"].toDouble();
    p.itsPerSecond = o["its_per_s"].toDouble();
    p.threads = o["threads"].toInt();
    record.points.append(p);
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
