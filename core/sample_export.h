#pragma once
// Writing 2-D samples: CSV points, or a PNG picture whose "parameters" text chunk says how the
// samples were made (schedule, eta, seed, model). Both atomic.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

namespace eddpm {

struct SampleProvenance {
  std::string schedule;
  std::vector<int> timesteps;
  double eta = 0.0;
  uint64_t seed = 0;
  std::string model;
};

// "schedule: learned [999,500,0], eta: 0, seed: 7, n: 2000, model: run/checkpoint.pt"
std::string describe(const SampleProvenance& provenance, int64_t n);

void save_samples_csv(const torch::Tensor& points, const std::filesystem::path& path);
void save_samples_png(const torch::Tensor& points, const torch::Tensor& reference, const std::filesystem::path& path,
                      const SampleProvenance& provenance);

}  // namespace eddpm
