#include "training_settings.h"

#include <QSettings>

namespace eddpm::widgets {

QString TrainingSettings::problem() const {
  if (T < 2) return QObject::tr("T must be at least 2");
  if (stepsKept < 1 || stepsKept > T) return QObject::tr("K must be between 1 and T (%1)").arg(T);
  if (iters < 1) return QObject::tr("iterations must be at least 1");
  if (warmup > rampEnd) return QObject::tr("warm-up (%1) must not come after the ramp end (%2)").arg(warmup).arg(rampEnd);
  if (rampEnd > iters) return QObject::tr("the ramp must end by the last iteration (%1)").arg(iters);
  if (batch < 2) return QObject::tr("batch must be at least 2");
  if (lr < 0 || lrS < 0) return QObject::tr("learning rates must not be negative");
  if (runDir.trimmed().isEmpty()) return QObject::tr("choose a run folder");
  return {};
}

void TrainingSettings::save(QSettings& s) const {
  s.beginGroup("training");
  s.setValue("data", data);
  s.setValue("T", T);
  s.setValue("beta", beta);
  s.setValue("stepsKept", stepsKept);
  s.setValue("semantics", semantics);
  s.setValue("reward", reward);
  s.setValue("baseline", baseline);
  s.setValue("iters", iters);
  s.setValue("warmup", warmup);
  s.setValue("rampEnd", rampEnd);
  s.setValue("batch", batch);
  s.setValue("lr", lr);
  s.setValue("lrS", lrS);
  s.setValue("seed", seed);
  s.setValue("device", device);
  s.setValue("runDir", runDir);
  s.endGroup();
}

TrainingSettings TrainingSettings::load(QSettings& s) {
  TrainingSettings d;
  s.beginGroup("training");
  d.data = s.value("data", d.data).toString();
  d.T = s.value("T", d.T).toInt();
  d.beta = s.value("beta", d.beta).toString();
  d.stepsKept = s.value("stepsKept", d.stepsKept).toInt();
  d.semantics = s.value("semantics", d.semantics).toString();
  d.reward = s.value("reward", d.reward).toString();
  d.baseline = s.value("baseline", d.baseline).toString();
  d.iters = s.value("iters", d.iters).toLongLong();
  d.warmup = s.value("warmup", d.warmup).toLongLong();
  d.rampEnd = s.value("rampEnd", d.rampEnd).toLongLong();
  d.batch = s.value("batch", d.batch).toInt();
  d.lr = s.value("lr", d.lr).toDouble();
  d.lrS = s.value("lrS", d.lrS).toDouble();
  d.seed = s.value("seed", d.seed).toLongLong();
  d.device = s.value("device", d.device).toString();
  d.runDir = s.value("runDir", d.runDir).toString();
  s.endGroup();
  return d;
}

}  // namespace eddpm::widgets
