#pragma once
// Runs one job at a time on a thread of its own and tells the GUI thread when it has ended,
// through the explorer's one hand-off between threads (thread_handoff.h). The job's thread is
// joined before `finished` is emitted, so everything the job wrote happens before the GUI reads it:
// a hand-off ThreadSanitizer can check, unlike Qt's thread pool, whose queue is locked inside the
// uninstrumented Qt.
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include <QObject>

#include "thread_handoff.h"

namespace eddpm::explorer {

class BackgroundJob : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  // Cancels a running job and waits for it: jobs that watch cancelFlag() end at their next check.
  ~BackgroundJob() override;

  // GUI thread only. Precondition: !running().
  void start(std::function<void()> job);
  bool running() const { return running_; }
  // Asks the running job to stop (any thread); `finished` still comes, with cancelled() true.
  void cancel() { cancel_ = true; }
  // The flag a job polls (or hands to the engine) to stop early; cleared by start().
  const std::atomic<bool>* cancelFlag() const { return &cancel_; }
  // Whether the last job was asked to stop before it ended.
  bool cancelled() const { return cancelled_; }
  // Why the last job threw (not counting a cancellation), or empty.
  const std::string& error() const { return error_; }

 signals:
  void finished();

 private:
  void joinEndedThread();

  ThreadHandoff toGui_;  // lives on the thread that made this job: the GUI thread
  std::thread thread_;
  bool running_ = false;
  bool cancelled_ = false;
  std::atomic<bool> cancel_{false};
  std::string error_;
  std::string threadError_;
};

}  // namespace eddpm::explorer
