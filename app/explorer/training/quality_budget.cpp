#include "quality_budget.h"

namespace eddpm::explorer {

bool QualityBudget::allows(int64_t steps, int64_t elapsed_ns) const {
  if (measured_steps_ == 0 && prior_ns_per_step_ <= 0.0) return spent_ns_ == 0;
  const double per_step =
      measured_steps_ > 0 ? double(spent_ns_) / double(measured_steps_) : prior_ns_per_step_;
  const double predicted = double(steps) * per_step;
  return double(spent_ns_) + predicted <= share_ * double(elapsed_ns);
}

void QualityBudget::spent(int64_t steps, int64_t ns) {
  measured_steps_ += steps;
  spent_ns_ += ns;
}

}  // namespace eddpm::explorer
