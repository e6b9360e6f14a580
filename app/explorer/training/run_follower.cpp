#include "run_follower.h"

#include <QTimer>

namespace eddpm::explorer {

RunFollower::RunFollower(QObject* parent) : QObject(parent), timer_(new QTimer(this)) {
  timer_->setInterval(1000);
  connect(timer_, &QTimer::timeout, this, &RunFollower::poll);
}

RunFollower::~RunFollower() = default;

RunRecord RunFollower::start(const QString& runDir) {
  stop();
  RunRecord record;
  auto reader = std::make_unique<RunReader>(runDir);
  if (reader->readMore(record) != RunReader::Result::Read) return record;
  runDir_ = runDir;
  reader_ = std::move(reader);
  timer_->start();
  return record;
}

void RunFollower::stop() {
  timer_->stop();
  reader_.reset();
  runDir_.clear();
}

void RunFollower::poll() {
  if (!reader_) return;
  RunRecord more;
  switch (reader_->readMore(more)) {
    case RunReader::Result::Read:
      if (!more.points.isEmpty() || !more.frames.isEmpty()) emit appended(more);
      return;
    case RunReader::Result::Replaced:
      reader_ = std::make_unique<RunReader>(runDir_);
      emit restarted();
      poll();
      return;
    case RunReader::Result::NoRun:  // removed, or between a replacing run's removal and its first line
      return;
  }
}

}  // namespace eddpm::explorer
