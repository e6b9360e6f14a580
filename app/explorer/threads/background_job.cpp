#include "background_job.h"

#include <exception>

namespace eddpm::explorer {

BackgroundJob::~BackgroundJob() {
  cancel_ = true;
  if (thread_.joinable()) thread_.join();
}

void BackgroundJob::start(std::function<void()> job) {
  if (thread_.joinable()) thread_.join();
  running_ = true;
  cancel_ = false;
  cancelled_ = false;
  error_.clear();
  threadError_.clear();
  thread_ = std::thread([this, job = std::move(job)] {
    try {
      job();
    } catch (const std::exception& e) {
      threadError_ = e.what();
    } catch (...) {
      threadError_ = "unknown error";
    }
    toGui_.post([this] { joinEndedThread(); });
  });
}

void BackgroundJob::joinEndedThread() {
  thread_.join();
  cancelled_ = cancel_.load();
  error_ = cancelled_ ? std::string() : threadError_;
  running_ = false;
  emit finished();
}

}  // namespace eddpm::explorer
