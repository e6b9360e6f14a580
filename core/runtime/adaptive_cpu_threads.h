#pragma once
// A ThreadGovernor (thread_governor.h) applied to LibTorch's threads of the thread that trains.
// Threading: construct, run() and destroy on that one thread. OpenMP keeps a count per thread, so
// threads already running keep theirs; a thread that first computes while training runs on one
// thread starts with one (LibTorch also keeps the last count set, for threads to come).
#include <chrono>

#include <c10/core/Device.h>

#include "thread_governor.h"

namespace eddpm {

class AdaptiveCpuThreads {
 public:
  // Does nothing unless `enabled`, `device` is the CPU and LibTorch has more than one thread.
  AdaptiveCpuThreads(bool enabled, const c10::Device& device);
  ~AdaptiveCpuThreads();  // gives LibTorch back the count it found
  AdaptiveCpuThreads(const AdaptiveCpuThreads&) = delete;
  AdaptiveCpuThreads& operator=(const AdaptiveCpuThreads&) = delete;

  // Runs one training step, times it and applies the count the governor chooses for the next.
  template <typename Step>
  void run(Step&& step) {
    if (!active_) {
      step();
      return;
    }
    const auto start = std::chrono::steady_clock::now();
    step();
    after_step(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }

  // Runs work that is not a training step (measuring schedules) on the count LibTorch had when this
  // was made, untimed, then goes back to the governor's count.
  template <typename Work>
  void run_on_all(Work&& work) {
    if (!active_ || governor_.threads() == found_) {
      work();
      return;
    }
    set_threads(found_);
    try {
      work();
    } catch (...) {
      set_threads(governor_.threads());
      throw;
    }
    set_threads(governor_.threads());
  }

  // The threads the next step uses; 0 where this does not adapt (a GPU, or turned off).
  int threads() const { return active_ ? governor_.threads() : 0; }
  const ThreadGovernor& governor() const { return governor_; }

 private:
  void after_step(double seconds);
  static void set_threads(int count);

  int found_;
  bool active_;
  ThreadGovernor governor_;
};

}  // namespace eddpm
