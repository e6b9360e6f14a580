#pragma once
// The explorer's one hand-off between threads: carries work from any thread to the thread this
// object lives on, in order (the GUI thread to the training thread and back; a background job's end
// to the GUI thread). Tasks wait in a std::mutex-guarded queue and the
// receiving thread takes them under the same lock, so everything a task carries is handed over
// by a lock ThreadSanitizer sees; Qt's own queue carries only the payload-free wake-up.
#include <functional>
#include <mutex>
#include <vector>

#include <QObject>

namespace eddpm::explorer {

class ThreadHandoff : public QObject {
  Q_OBJECT
 public:
  using QObject::QObject;

  // Any thread. Tasks still waiting when this object is destroyed are dropped unrun.
  void post(std::function<void()> task);

 private slots:
  void runWaiting();

 private:
  std::mutex mutex_;
  std::vector<std::function<void()>> waiting_;
};

}  // namespace eddpm::explorer
