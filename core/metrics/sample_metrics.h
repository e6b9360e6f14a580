#pragma once
// Distances between sample sets (spec section 9, 2-D data). Inputs are (n, d) tensors; any device.
#include <cstdint>

#include <torch/types.h>

namespace eddpm {

// Sliced Wasserstein-2 distance over `projections` random directions drawn from `seed`
// (the same directions for every call with the same seed and d). Both sets need the same count.
double sliced_wasserstein(const torch::Tensor& a, const torch::Tensor& b, int projections = 256,
                          uint64_t seed = 1234);

// Biased (V-statistic) MMD^2 with an RBF kernel whose bandwidth is the median pairwise distance
// of the pooled sets: exactly 0 for identical sets. It needs every pair's distance, so it reads at
// most the first `max_rows` rows of each set (the rows are independent draws): 16,000 points each
// made a 32,000 x 32,000 matrix that no 8 GB machine holds.
double mmd_rbf(const torch::Tensor& a, const torch::Tensor& b, int64_t max_rows = 4000);

// Mean over pairs of the squared distance per dimension: ||a_i - b_i||^2 / d.
double paired_mean_squared(const torch::Tensor& a, const torch::Tensor& b);

}  // namespace eddpm
