#pragma once
// Text the Sample & compare page's views and exports share: table cells and file names.
#include <QRegularExpression>
#include <QString>

namespace eddpm::explorer {

// A measure in a table cell; negative means not measured ("–").
inline QString measureCell(double value, int decimals) {
  return value < 0 ? QString("–") : QString::number(value, 'f', decimals);
}

// A schedule's (or series') name as a file name: "learned · heun" -> "learned-heun", a schedule
// file's path to its stem.
inline QString fileStem(const QString& name) {
  return QString(name).section('/', -1).remove(".json").replace(QRegularExpression("[^A-Za-z0-9_.+-]+"), "-");
}

}  // namespace eddpm::explorer
