#pragma once
// Measuring schedules on one model: every schedule is sampled from the same starting noise and
// compared with one fixed set of real points and, for fidelity, with the full chain from that
// noise. Used by `eddpm compare`, the explorer's sample page and its live quality plot.
#include <string>
#include <vector>

#include <torch/types.h>

#include "eddpm_trainer.h"

namespace eddpm {

// Samples `timesteps` with the run's semantics from noise drawn with `seed` (CPU result).
torch::Tensor sample_schedule(EddpmTrainer& run, const std::vector<int>& timesteps, int64_t n,
                              uint64_t seed, double eta);

struct ScheduleMeasure {
  torch::Tensor samples;  // (n, d) on the CPU
  double swd = 0.0;       // sliced Wasserstein-2 to the real points
  double mmd = 0.0;       // RBF MMD^2 to the real points
  double fidelity = 0.0;  // mean squared distance per dim to the full chain from the same noise
  double seconds = 0.0;   // sampling time
};

class ScheduleMeter {
 public:
  ScheduleMeter(EddpmTrainer& run, int64_t n, uint64_t seed, double eta = 0.0);

  // Samples and measures; the full chain (for fidelity) is sampled once, on first need.
  ScheduleMeasure measure(const std::vector<int>& timesteps, bool with_fidelity = true);
  // Only the distance to the real points: the cheap check for the live quality plot.
  double swd(const std::vector<int>& timesteps);
  // A second fresh draw of real data against the reference set: the floor of the measures at n.
  ScheduleMeasure real_floor();
  const torch::Tensor& full_chain();
  const torch::Tensor& real() const { return real_; }

 private:
  EddpmTrainer& run_;
  int64_t n_;
  uint64_t seed_;
  double eta_;
  at::Generator data_gen_;
  torch::Tensor real_, full_;
};

}  // namespace eddpm
