#pragma once
// Follows a run folder that another process is still writing (`eddpm train` beside the explorer,
// or a cluster run on a shared or mounted folder): the lines appended to its logs since the last
// look, as the live plots take them. It polls, once a second: change notifications do not cross
// NFS and most other network mounts, and a stat and a short read cost nothing.
#include <memory>

#include <QObject>
#include <QString>

#include "run_replay.h"

class QTimer;

namespace eddpm::explorer {

class RunFollower : public QObject {
  Q_OBJECT
 public:
  explicit RunFollower(QObject* parent = nullptr);
  ~RunFollower() override;

  // Everything `runDir` holds now (as read_run), then the rest as it comes. An empty record with a
  // problem where there is no run; then nothing is followed.
  RunRecord start(const QString& runDir);
  void stop();
  bool following() const { return reader_ != nullptr; }
  const QString& runDir() const { return runDir_; }
  // One look now: the timer's, and tests'.
  void poll();

 signals:
  // New points and frames (more.K: the run's K once it has written its steps).
  void appended(const eddpm::explorer::RunRecord& more);
  // The logs were started again (a run with --overwrite over the one followed): its views start
  // again, from the new logs, which follow in `appended`.
  void restarted();

 private:
  QString runDir_;
  std::unique_ptr<RunReader> reader_;
  QTimer* timer_;
};

}  // namespace eddpm::explorer
