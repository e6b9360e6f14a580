#include "adaptive_cpu_threads.h"

#include <ATen/Parallel.h>

namespace eddpm {

AdaptiveCpuThreads::AdaptiveCpuThreads(bool enabled, const c10::Device& device)
    : found_(at::get_num_threads()),
      active_(enabled && device.is_cpu() && found_ > 1),
      governor_(active_ ? found_ : 1) {}

AdaptiveCpuThreads::~AdaptiveCpuThreads() {
  if (active_ && at::get_num_threads() != found_) at::set_num_threads(found_);
}

void AdaptiveCpuThreads::after_step(double seconds) {
  const int before = governor_.threads();
  const int next = governor_.record(seconds);
  if (next != before) set_threads(next);
}

void AdaptiveCpuThreads::set_threads(int count) { at::set_num_threads(count); }

}  // namespace eddpm
