#pragma once
// Frechet distance between two feature sets, each summarized as a Gaussian (spec section 9):
// |mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a^1/2 C_b C_a^1/2)^1/2), in double precision with
// symmetric eigen-decompositions (no general matrix square root, so no complex parts).
#include <torch/types.h>

namespace eddpm {

struct GaussianMoments {
  torch::Tensor mean;  // (d) float64
  torch::Tensor cov;   // (d, d) float64, unbiased
};

// Moments of (n, d) features, n >= 2.
GaussianMoments feature_moments(const torch::Tensor& features);

double frechet_distance(const GaussianMoments& a, const GaussianMoments& b);
double frechet_distance(const torch::Tensor& features_a, const torch::Tensor& features_b);

// The square root of a symmetric positive semi-definite matrix (negative eigenvalues from
// rounding are taken as 0).
torch::Tensor symmetric_sqrt(const torch::Tensor& matrix);

}  // namespace eddpm
