#pragma once
// Everything a training run takes, as the setup panel edits it (plain values, no engine types).
#include <QMetaType>
#include <QString>

class QSettings;

namespace eddpm::widgets {

struct TrainingSettings {
  QString data = "moons";
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
  QString device = "auto";
  QString runDir;          // where the run's files go
  QString fromCheckpoint;  // start from this model (mask search)
  bool freezeModel = false;

  // An empty string when the settings can run, else the first reason they cannot.
  QString problem() const;

  void save(QSettings& settings) const;
  static TrainingSettings load(QSettings& settings);
};

}  // namespace eddpm::widgets

Q_DECLARE_METATYPE(eddpm::widgets::TrainingSettings)
