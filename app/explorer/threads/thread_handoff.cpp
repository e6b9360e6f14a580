#include "thread_handoff.h"

namespace eddpm::explorer {

void ThreadHandoff::post(std::function<void()> task) {
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    wake = waiting_.empty();
    waiting_.push_back(std::move(task));
  }
  // By name, so the queued call carries nothing of ours: its event is Qt's alone.
  if (wake) QMetaObject::invokeMethod(this, "runWaiting", Qt::QueuedConnection);
}

void ThreadHandoff::runWaiting() {
  std::vector<std::function<void()>> tasks;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    tasks.swap(waiting_);
  }
  for (auto& task : tasks) task();
}

}  // namespace eddpm::explorer
