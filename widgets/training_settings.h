#pragma once
// Everything a training run takes, as the setup panel edits it (plain values, no engine types).
#include <QMetaType>
#include <QString>

class QSettings;

namespace eddpm::widgets {

struct TrainingSettings {
  // As `eddpm train --data` spells it: a 2-D set, "mnist", "mnist:DIR" or "folder:PATH".
  QString data = "moons";
  int size = 0;             // image side; 0: the data's own (28 for MNIST, 32 for folders)
  int channels = 0;         // 1 or 3; 0: the data's own
  QString model = "mlp";    // mlp (2-D), tiny or small (images), torchscript (started from a .ts file)
  int T = 1000;
  QString beta = "linear";
  int stepsKept = 10;
  QString semantics = "paper";
  QString reward = "elbo";
  QString baseline = "loo";
  qint64 iters = 8000;
  qint64 warmup = 1600;
  qint64 rampEnd = 6400;
  int batch = 256;
  double lr = 1e-3;
  double lrS = 0.1;
  qint64 seed = 0;
  // Samples per check when settling measures its candidates and the verdict judges the learned
  // steps (`--check-n`); 0: the engine's default (16,000 points, 1,000 images).
  qint64 checkN = 0;
  QString device = "auto";
  QString runDir;          // where the run's files go
  QString fromCheckpoint;  // start from this model (mask search)
  bool freezeModel = false;

  bool imageData() const;
  // The data's kind and path: "folder:/x" -> ("folder", "/x"), "moons" -> ("moons", "").
  QString dataKind() const { return data.section(':', 0, 0); }
  QString dataPath() const { return data.section(':', 1); }

  // An empty string when the settings can run, else the first reason they cannot.
  QString problem() const;

  void save(QSettings& settings) const;
  static TrainingSettings load(QSettings& settings);
};

}  // namespace eddpm::widgets

Q_DECLARE_METATYPE(eddpm::widgets::TrainingSettings)
