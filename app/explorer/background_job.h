#pragma once
// Runs one job at a time on a thread of its own and tells the GUI thread when it has ended.
// The job's thread is joined before `finished` is emitted, so everything the job wrote happens
// before the GUI reads it: a hand-off ThreadSanitizer can check, unlike Qt's thread pool, whose
// queue is locked inside the uninstrumented Qt.
#include <functional>
#include <string>
#include <thread>

#include <QObject>

namespace eddpm::explorer {

class BackgroundJob : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;
  ~BackgroundJob() override;

  // GUI thread only. Precondition: !running().
  void start(std::function<void()> job);
  bool running() const { return running_; }
  // Why the last job threw, or empty.
  const std::string& error() const { return error_; }

 signals:
  void finished();

 private slots:
  void joinEndedThread();

 private:
  std::thread thread_;
  bool running_ = false;
  std::string error_;
  std::string threadError_;
};

}  // namespace eddpm::explorer
