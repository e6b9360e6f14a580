#pragma once
// Cheap sample-quality checks while training: a fixed starting noise and a fixed set of real
// points, so successive measurements differ only by the model and the schedule.
#include <vector>

#include <torch/types.h>

#include "eddpm_trainer.h"

namespace eddpm {

class QualityProbe {
 public:
  QualityProbe(EddpmTrainer& run, int64_t n = 512, uint64_t seed = 7);

  // Sliced Wasserstein-2 distance to the real points of DDIM samples with these timesteps.
  double swd(const std::vector<int>& timesteps);

 private:
  EddpmTrainer& run_;
  uint64_t seed_;
  int64_t n_;
  torch::Tensor real_;
};

}  // namespace eddpm
