#include "run_replay.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>

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

bool RunReader::newLines(const QString& file, qint64& offset, QList<QByteArray>& lines, bool& shrank) const {
  QFile f(QDir(dir_).filePath(file));
  if (!f.open(QIODevice::ReadOnly)) return false;
  if (f.size() < offset) {
    shrank = true;
    return true;
  }
  f.seek(offset);
  const QByteArray more = f.readAll();
  const qsizetype end = more.lastIndexOf('\n');
  if (end < 0) return true;
  for (const QByteArray& line : more.left(end).split('\n'))
    if (!line.trimmed().isEmpty()) lines.append(line.trimmed());
  offset += end + 1;
  return true;
}

RunReader::Result RunReader::readMore(RunRecord& into) {
  QList<QByteArray> metrics, history;
  bool shrank = false;
  const bool firstHistoryRead = historyAt_ == 0;
  if (!newLines("metrics.jsonl", metricsAt_, metrics, shrank)) {
    into.problem = QObject::tr("%1 has no metrics.jsonl: not a run folder").arg(dir_);
    return Result::NoRun;
  }
  newLines("mask_history.csv", historyAt_, history, shrank);
  if (shrank) return Result::Replaced;
  for (const QByteArray& line : metrics) {
    const std::optional<MetricsRow> row = parse_metrics_row(line.toStdString());
    if (row) into.points.append(to_point(*row));
    else ++skipped_;
  }
  if (K_ == 0) {  // written when the run ends
    QFile schedule(QDir(dir_).filePath("schedule_learned.json"));
    if (schedule.open(QIODevice::ReadOnly))
      K_ = QJsonDocument::fromJson(schedule.readAll()).object()["timesteps"].toArray().size();
  }
  into.K = K_;
  if (firstHistoryRead && !history.isEmpty()) history.removeFirst();  // the header
  for (const QByteArray& line : history) {
    const QList<QByteArray> cells = line.split(',');
    if (cells.size() < 3) continue;
    widgets::MaskFrame frame;
    bool ok = true;
    frame.iteration = cells[0].toLongLong(&ok);
    for (int i = 1; i < cells.size() && ok; ++i) frame.s.append(cells[i].toDouble(&ok));
    if (!ok) {
      ++skipped_;
      continue;
    }
    // Before the run has written its steps, the mask's top K_e of the logged budget now.
    int K = K_;
    if (K == 0 && !into.points.isEmpty()) K = int(std::lround(into.points.last().budget));
    const std::vector<int> learned = top_k_timesteps({frame.s.begin(), frame.s.end()}, std::clamp(K, 1, int(frame.s.size())));
    frame.learned = QVector<int>(learned.begin(), learned.end());
    into.frames.append(frame);
  }
  if (skipped_ > 0) into.problem = QObject::tr("%1 damaged lines skipped").arg(skipped_);
  return Result::Read;
}

RunRecord read_run(const QString& runDir) {
  RunRecord record;
  RunReader(runDir).readMore(record);
  return record;
}

}  // namespace eddpm::explorer
