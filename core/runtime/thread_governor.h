#pragma once
// How many CPU threads a training step uses, chosen from how fast the steps actually run.
// With every core free, all threads are fastest. With another program on one of two cores, the
// step's threads wait at each of the many barriers for a thread that has no core: one thread alone
// then runs faster (docs/BENCHMARKS.md, "Other programs on the same cores"). No clock and no
// LibTorch here: the caller times its steps and applies the count (AdaptiveCpuThreads does both).
//
// How it decides: it measures the rate of windows of steps and tries the other count for one
// window: after the first window past warm-up, then now and then, and at once when a window runs
// well below the best so far. It keeps whichever count ran faster by a margin. A trial that
// changes nothing doubles the wait before the next, so an idle machine pays about half a percent
// after the first minute. The choice is only between all and one, measured on two cores; on a
// machine with many cores, one busy core would call for one thread fewer, which this does not try.
#include <cstdint>

namespace eddpm {

struct ThreadGovernorOptions {
  double window_seconds = 0.5;     // a window lasts at least this long...
  int64_t window_steps = 3;        // ...and holds at least this many steps
  double margin = 0.08;            // the other count must be this much faster to be kept
  double drop = 0.7;               // a window below this share of the count's best starts a trial
  double first_wait = 10.0;        // the wait before a trial, in trial lengths, after a switch...
  double longest_wait = 80.0;      // ...doubled by each trial that changed nothing, up to this
  double shortest_wait_seconds = 5.0;
};

class ThreadGovernor {
 public:
  // `all_threads` below 2 leaves nothing to choose: threads() stays at it.
  explicit ThreadGovernor(int all_threads, ThreadGovernorOptions options = {});

  // One step ran in `seconds` at threads(). Returns the count for the next step.
  int record(double seconds);

  int threads() const { return threads_; }
  int all_threads() const { return all_threads_; }
  int64_t switches() const { return switches_; }  // counts kept after a trial
  int64_t trials() const { return trials_; }

 private:
  enum class Phase { Steady, Trial };
  int other() const { return threads_ == all_threads_ ? 1 : all_threads_; }
  void start_trial(double baseline_rate);
  void end_trial(double trial_rate);

  ThreadGovernorOptions o_;
  int all_threads_;
  int threads_;
  Phase phase_ = Phase::Steady;
  bool warmed_ = false;       // the first window (allocations, cold caches) is not counted
  bool skip_next_ = false;    // the first step at a new count wakes or parks threads: not counted
  double window_time_ = 0.0;  // the window being measured
  int64_t window_steps_ = 0;
  double best_rate_ = 0.0;         // the best window at threads_ since it was chosen
  double baseline_rate_ = 0.0;     // during a trial: the window just before it
  double since_trial_ = 0.0;       // seconds of steps since the last trial ended
  double trial_length_ = 0.0;      // seconds the last trial took
  double wait_ = 0.0;              // trial lengths to wait before the next trial
  int64_t switches_ = 0, trials_ = 0;
};

}  // namespace eddpm
