#include "quality_probe.h"

#include "rng.h"
#include "sample_metrics.h"
#include "schedule_comparison.h"

namespace eddpm {

QualityProbe::QualityProbe(EddpmTrainer& run, int64_t n, uint64_t seed) : run_(run), seed_(seed), n_(n) {
  at::Generator gen = make_cpu_generator(seed + 31);
  real_ = run.data().sample(n, gen);
}

double QualityProbe::swd(const std::vector<int>& timesteps) {
  return sliced_wasserstein(sample_schedule(run_, timesteps, n_, seed_, 0.0), real_);
}

}  // namespace eddpm
