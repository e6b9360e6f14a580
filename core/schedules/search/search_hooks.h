#pragma once
// What a schedule search hears from its caller and tells it: stop, a time budget, and progress.
#include <atomic>
#include <chrono>
#include <functional>
#include <string>

namespace eddpm {

struct SearchHooks {
  const std::atomic<bool>* cancel = nullptr;  // set from any thread: the search throws Cancelled
  // Seconds the search may take; 0 = until it converges. An iterative search stops at the budget
  // with the best schedule found so far; a one-shot one ignores it.
  double budget_seconds = 0.0;
  // fraction in [0, 1] of the whole search, and what it is doing ("teacher 120 of 1000 steps").
  std::function<void(double fraction, const std::string& note)> on_progress;

  void report(double fraction, const std::string& note) const {
    if (on_progress) on_progress(fraction, note);
  }
};

// Seconds since `start`, the clock every search measures itself with.
inline double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace eddpm
