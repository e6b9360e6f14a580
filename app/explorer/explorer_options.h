#pragma once
// The explorer's command line, parsed and checked before any window exists: --help prints
// without a display, and a bad value is one line naming its option instead of a silent default.
#include <QString>
#include <QStringList>

namespace eddpm::explorer {

struct ExplorerOptions {
  QString data;          // empty: the panel's saved choice
  qint64 size = 0;       // 0: the panel's saved choice
  qint64 iters = 0;      // 0: the panel's saved choice
  QString device;        // empty: the panel's saved choice
  bool autostart = false;
  QString resume;        // a run folder to continue
  QString compare;       // schedule kinds, with runDir
  qint64 samples = 0;    // with compare: samples per schedule (0: the page's default)
  QStringList solvers;   // with compare: the solvers each schedule is sampled with (empty: the page's)
  QString benchReport;   // benchmark report file
  int probeMs = 5;
  QString runDir;        // a run folder to open
};

// What parsing asks of main: go on with the options, or stop with this exit code after printing
// `text` (the help or version on stdout, an error on stderr).
struct ParsedCommandLine {
  enum class Next { run, exit } next = Next::run;
  int exitCode = 0;
  QString text;
  ExplorerOptions options;
};

// `arguments` as main's argv, program name first. Needs a QCoreApplication (no display).
ParsedCommandLine parseExplorerCommandLine(const QStringList& arguments);

}  // namespace eddpm::explorer
