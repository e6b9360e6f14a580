#pragma once
// Writing samples: 2-D points as CSV or a PNG scatter, images as a PNG grid. Every PNG has a
// "parameters" text chunk saying how the samples were made (schedule, eta, seed, model). Atomic.
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
// Images (n, C, H, W) in [-1, 1] as one grid picture, with the same "parameters" chunk.
void save_image_grid_png(const torch::Tensor& images, const std::filesystem::path& path,
                         const SampleProvenance& provenance);
void save_samples_png(const torch::Tensor& points, const torch::Tensor& reference, const std::filesystem::path& path,
                      const SampleProvenance& provenance);

}  // namespace eddpm
