#include "training_settings.h"

#include <QSettings>

namespace eddpm::widgets {

bool TrainingSettings::imageData() const { return dataKind() == "mnist" || dataKind() == "folder"; }

QString TrainingSettings::problem() const {
  if (dataKind() == "folder" && dataPath().trimmed().isEmpty()) return QObject::tr("choose the folder of images");
  if (size != 0 && (size < 8 || size > 256)) return QObject::tr("image size must be within 8..256");
  if (channels != 0 && channels != 1 && channels != 3) return QObject::tr("channels must be 1 or 3");
  if (imageData() && model == "mlp") return QObject::tr("images need a U-Net model (tiny or small)");
  if (!imageData() && model != "mlp" && model != "torchscript") return QObject::tr("2-D data takes the mlp model");
  if (T < 2) return QObject::tr("T must be at least 2");
  if (stepsKept < 1 || stepsKept > T) return QObject::tr("K must be between 1 and T (%1)").arg(T);
  if (iters < 1) return QObject::tr("iterations must be at least 1");
  if (warmup > rampEnd) return QObject::tr("warm-up (%1) must not come after the ramp end (%2)").arg(warmup).arg(rampEnd);
  if (rampEnd > iters) return QObject::tr("the ramp must end by the last iteration (%1)").arg(iters);
  if (batch < 2) return QObject::tr("batch must be at least 2");
  if (lr < 0 || lrS < 0) return QObject::tr("learning rates must not be negative");
  if (checkN != 0 && checkN < 2) return QObject::tr("check samples must be at least 2 (0: the default)");
  if (runDir.trimmed().isEmpty()) return QObject::tr("choose a run folder");
  return {};
}

void TrainingSettings::save(QSettings& s) const {
  s.beginGroup("training");
  s.setValue("data", data);
  s.setValue("size", size);
  s.setValue("channels", channels);
  s.setValue("model", model);
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
  s.setValue("checkN", checkN);
  s.setValue("device", device);
  s.setValue("runDir", runDir);
  s.setValue("fromCheckpoint", fromCheckpoint);
  s.setValue("freezeModel", freezeModel);
  s.endGroup();
}

TrainingSettings TrainingSettings::load(QSettings& s) {
  TrainingSettings d;
  s.beginGroup("training");
  d.data = s.value("data", d.data).toString();
  d.size = s.value("size", d.size).toInt();
  d.channels = s.value("channels", d.channels).toInt();
  d.model = s.value("model", d.imageData() ? "tiny" : d.model).toString();
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
  d.checkN = s.value("checkN", d.checkN).toLongLong();
  d.device = s.value("device", d.device).toString();
  d.runDir = s.value("runDir", d.runDir).toString();
  d.fromCheckpoint = s.value("fromCheckpoint", d.fromCheckpoint).toString();
  d.freezeModel = s.value("freezeModel", d.freezeModel).toBool();
  s.endGroup();
  return d;
}

}  // namespace eddpm::widgets
