#pragma once
// Writing samples: 2-D points as CSV or a PNG scatter, images as a PNG grid. Every PNG has a
// "parameters" text chunk saying how the samples were made (schedule, solver, NFE, seed, model).
// Atomic.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <torch/types.h>

#include "solver_kind.h"

namespace eddpm {

struct SampleProvenance {
  std::string schedule;
  std::vector<int> timesteps;
  Solver solver;
  uint64_t seed = 0;
  std::string model;
};

// "schedule: learned [999,500,0], solver: ddim, eta: 0, nfe: 3, seed: 7, n: 2000, model: run/checkpoint.pt"
// (eta only with ddim, the one solver it applies to)
std::string describe(const SampleProvenance& provenance, int64_t n);

void save_samples_csv(const torch::Tensor& points, const std::filesystem::path& path);
// Points back from such a CSV ((n, 2) float32; the "x,y" header optional): starting noise a user
// or another tool drew. Throws std::invalid_argument naming the line that is not two numbers.
torch::Tensor load_points_csv(const std::filesystem::path& path);
// Images (n, C, H, W) in [-1, 1] as one grid picture, with the same "parameters" chunk.
void save_image_grid_png(const torch::Tensor& images, const std::filesystem::path& path,
                         const SampleProvenance& provenance);
void save_samples_png(const torch::Tensor& points, const torch::Tensor& reference, const std::filesystem::path& path,
                      const SampleProvenance& provenance);

}  // namespace eddpm
