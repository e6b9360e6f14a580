#include "thread_governor.h"

#include <algorithm>

namespace eddpm {

ThreadGovernor::ThreadGovernor(int all_threads, ThreadGovernorOptions options)
    : o_(options), all_threads_(std::max(1, all_threads)), threads_(all_threads_), wait_(options.first_wait) {}

int ThreadGovernor::record(double seconds) {
  if (all_threads_ < 2) return threads_;
  (phase_ == Phase::Trial ? trial_length_ : since_trial_) += seconds;
  if (skip_next_) {
    skip_next_ = false;
    return threads_;
  }
  window_time_ += seconds;
  ++window_steps_;
  if (window_time_ < o_.window_seconds || window_steps_ < o_.window_steps) return threads_;
  const double rate = double(window_steps_) / window_time_;
  window_time_ = 0.0;
  window_steps_ = 0;
  if (!warmed_) {
    warmed_ = true;
    since_trial_ = 0.0;
    return threads_;
  }
  if (phase_ == Phase::Trial) {
    end_trial(rate);
    return threads_;
  }
  const bool dropped = rate < o_.drop * best_rate_;
  best_rate_ = std::max(best_rate_, rate);
  const double wait_seconds = std::max(o_.shortest_wait_seconds, wait_ * trial_length_);
  if (dropped || trials_ == 0 || since_trial_ >= wait_seconds) start_trial(rate);
  return threads_;
}

void ThreadGovernor::start_trial(double baseline_rate) {
  phase_ = Phase::Trial;
  baseline_rate_ = baseline_rate;
  trial_length_ = 0.0;
  ++trials_;
  threads_ = other();
  skip_next_ = true;
}

void ThreadGovernor::end_trial(double trial_rate) {
  phase_ = Phase::Steady;
  since_trial_ = 0.0;
  if (trial_rate > baseline_rate_ * (1.0 + o_.margin)) {
    ++switches_;
    best_rate_ = trial_rate;
    wait_ = o_.first_wait;
    return;
  }
  // Back to the count before the trial; its best is what it ran just now, so that a machine that
  // stays busy does not read as a fresh drop at every window.
  threads_ = other();
  skip_next_ = true;
  best_rate_ = baseline_rate_;
  wait_ = std::min(2.0 * wait_, o_.longest_wait);
}

}  // namespace eddpm
