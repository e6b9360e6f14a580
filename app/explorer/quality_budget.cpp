#include "quality_budget.h"

namespace eddpm::explorer {

bool QualityBudget::allows(int64_t steps, int64_t elapsed_ns) const {
  if (measured_steps_ == 0) return spent_ns_ == 0;
  const double predicted = double(steps) * double(spent_ns_) / double(measured_steps_);
  return double(spent_ns_) + predicted <= share_ * double(elapsed_ns);
}

void QualityBudget::spent(int64_t steps, int64_t ns) {
  measured_steps_ += steps;
  spent_ns_ += ns;
}

}  // namespace eddpm::explorer
