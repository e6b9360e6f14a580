#pragma once
// Everything a training run takes, as the setup panel edits it: the run's TrainConfig (every row
// of the settings table, core/settings/setting_table.h, which has no LibTorch) and what only the
// window asks for, the run folder and the model to start from.
#include <QMetaType>
#include <QString>

#include "train_config.h"

class QSettings;

namespace eddpm::widgets {

struct TrainingSettings {
  TrainConfig config;
  QString runDir;          // where the run's files go (`eddpm train --out`)
  QString fromCheckpoint;  // start from this model (`eddpm train --from`)

  bool imageData() const { return config.image_data(); }
  // The data's kind and path: "folder:/x" -> ("folder", "/x"), "moons" -> ("moons", "").
  QString dataKind() const { return QString::fromStdString(config.data).section(':', 0, 0); }
  QString dataPath() const { return QString::fromStdString(config.data).section(':', 1); }

  // An empty string when the settings can run, else the first reason they cannot: what the window
  // asks for (the images' folder, a run folder), then core's validate().
  QString problem() const;

  // Every row of the settings table under its name in the group "training", beside runDir and
  // fromCheckpoint. load() keeps a row's default where the stored value is not one it takes.
  void save(QSettings& settings) const;
  static TrainingSettings load(QSettings& settings);
};

}  // namespace eddpm::widgets

Q_DECLARE_METATYPE(eddpm::widgets::TrainingSettings)
