#include "training_settings.h"

#include <stdexcept>

#include <QObject>
#include <QSettings>

#include <nlohmann/json.hpp>

#include "setting_table.h"

namespace eddpm::widgets {

namespace {
// A stored value as the row's JSON: QSettings holds the JSON text; a word that is not JSON is the
// string itself (what the form stored before it was the table's, for text settings).
nlohmann::json stored_value(const Setting& row, const QString& text) {
  try {
    return nlohmann::json::parse(text.toStdString());
  } catch (const nlohmann::json::exception&) {
    return text.toStdString();
  }
}

// Keys the form stored before it used the table's names.
const char* older_key(const std::string& name) {
  if (name == "lr_s") return "lrS";
  if (name == "ramp_end") return "rampEnd";
  if (name == "check_n") return "checkN";
  if (name == "freeze_model") return "freezeModel";
  return nullptr;
}
}  // namespace

QString TrainingSettings::problem() const {
  if (dataKind() == "folder" && dataPath().trimmed().isEmpty()) return QObject::tr("choose the folder of images");
  if (dataKind() == "csv" && dataPath().trimmed().isEmpty()) return QObject::tr("choose the CSV file of time series");
  if (runDir.trimmed().isEmpty()) return QObject::tr("choose a run folder");
  TrainConfig c = config;
  if (c.model == "torchscript") c.model_file = fromCheckpoint.toStdString();
  try {
    validate(c);
  } catch (const std::invalid_argument& e) {
    return QString::fromStdString(e.what());
  }
  return {};
}

void TrainingSettings::save(QSettings& s) const {
  s.beginGroup("training");
  for (const Setting& row : training_settings())
    s.setValue(QString::fromStdString(row.name), QString::fromStdString(row.get(config).dump()));
  s.setValue("runDir", runDir);
  s.setValue("fromCheckpoint", fromCheckpoint);
  s.endGroup();
}

TrainingSettings TrainingSettings::load(QSettings& s) {
  TrainingSettings d;
  s.beginGroup("training");
  for (const Setting& row : training_settings()) {
    QString key = QString::fromStdString(row.name);
    if (!s.contains(key) && older_key(row.name) && s.contains(older_key(row.name))) key = older_key(row.name);
    if (!s.contains(key)) continue;
    const nlohmann::json value = stored_value(row, s.value(key).toString());
    if (row.problem(value).empty()) row.set(d.config, value);
  }
  if (!s.contains("keep") && s.contains("stepsKept"))  // the form stored K before it stored keep
    d.config.keep = double(std::max(1, s.value("stepsKept").toInt())) / d.config.beta.T;
  if (!s.contains("model") && d.imageData()) d.config.model = "tiny";
  if (!s.contains("model") && d.config.series_data()) d.config.model = "csdi";
  d.runDir = s.value("runDir").toString();
  d.fromCheckpoint = s.value("fromCheckpoint").toString();
  s.endGroup();
  return d;
}

}  // namespace eddpm::widgets
