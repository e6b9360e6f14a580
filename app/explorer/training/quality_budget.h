#pragma once
// When the training worker may measure sample quality: measuring (sampling chains of the model)
// must cost at most a share of the run's time. A measurement's cost is predicted from the number of
// sampling steps it runs and the time per step seen so far. Used on the worker's thread only.
#include <cstdint>

namespace eddpm::explorer {

class QualityBudget {
 public:
  explicit QualityBudget(double share) : share_(share) {}
  // May a measurement of `steps` sampling steps start `elapsed_ns` into the run? Before any cost
  // is known, the prior's prediction decides, and without a prior one measurement may start.
  bool allows(int64_t steps, int64_t elapsed_ns) const;
  // A guess of the cost of one sampling step, for the first measurement (0: none). Where the first
  // measurement is expensive (image models: seconds) it must wait its turn like the others.
  void setPrior(double ns_per_step) { prior_ns_per_step_ = ns_per_step; }
  // Records what a measurement of `steps` steps cost.
  void spent(int64_t steps, int64_t ns);
  int64_t spentNs() const { return spent_ns_; }

 private:
  double share_;
  int64_t spent_ns_ = 0;
  int64_t measured_steps_ = 0;
  double prior_ns_per_step_ = 0.0;
};

}  // namespace eddpm::explorer
