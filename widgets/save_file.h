#pragma once
// Atomic saves for the GUI side: write to a temporary name in the target's folder, then rename.
#include <functional>

#include <QString>

namespace eddpm::widgets {

// Calls write(temporaryPath); on success renames it over `path`. On failure removes the
// temporary file, leaves `path` as it was and fills `error`.
bool saveAtomically(const QString& path, QString* error, const std::function<bool(const QString&)>& write);

}  // namespace eddpm::widgets
