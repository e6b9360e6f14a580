#include "save_file.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QUuid>

#include <cstdio>
#include <exception>

#include "atomic_file.h"

namespace eddpm::widgets {

bool saveAtomically(const QString& path, QString* error, const std::function<bool(const QString&)>& write) {
  const QFileInfo target(path);
  // Keep the suffix so writers that pick a format by extension still do.
  const QString temporary = target.dir().filePath(
      "." + target.completeBaseName() + ".tmp-" + QUuid::createUuid().toString(QUuid::Id128).left(8) + "." + target.suffix());
  if (!write(temporary)) {
    QFile::remove(temporary);
    if (error) *error = QObject::tr("Could not write %1").arg(path);
    return false;
  }
  try {
    sync_file(QFile::encodeName(temporary).toStdString());  // see atomic_file.h: no empty file after a power cut
  } catch (const std::exception& e) {
    QFile::remove(temporary);
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  // rename(2) replaces atomically; QFile::rename refuses to overwrite, so go through std::rename.
  if (std::rename(QFile::encodeName(temporary).constData(), QFile::encodeName(path).constData()) != 0) {
    QFile::remove(temporary);
    if (error) *error = QObject::tr("Could not replace %1").arg(path);
    return false;
  }
  try {
    sync_folder(QFile::encodeName(target.absolutePath()).toStdString());
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return false;
  }
  return true;
}

}  // namespace eddpm::widgets
