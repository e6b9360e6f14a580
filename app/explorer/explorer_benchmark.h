#pragma once
// `eddpm-explorer --bench-report FILE`: runs one thing through the window as a user would, measures
// the event loop's latency meanwhile (event_loop_probe.h), writes the figures to FILE as JSON and
// quits (exit 0 when the work completed). docs/BENCHMARKS.md, item 5, reads these reports.
#include <QString>
#include <QStringList>

namespace eddpm::explorer {

class MainWindow;

// Trains with the panel's settings; the run folder's metrics give the training rate.
void startTrainingBenchmark(MainWindow& window, const QString& reportPath, int probeMs);
// Opens RUN_DIR's model on the Sample page and samples `kinds`, `samples` each; the report adds the
// sampling's wall time.
void startSamplingBenchmark(MainWindow& window, const QString& runDir, const QStringList& kinds, int samples,
                            const QString& reportPath, int probeMs);

}  // namespace eddpm::explorer
