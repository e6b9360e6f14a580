#include "frechet_distance.h"

#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {

namespace {
torch::Tensor symmetrized(const torch::Tensor& m) { return 0.5 * (m + m.transpose(0, 1)); }
}  // namespace

GaussianMoments feature_moments(const torch::Tensor& features) {
  if (features.dim() != 2 || features.size(0) < 2) throw std::invalid_argument("moments need (n >= 2, d) features");
  const torch::Tensor x = features.to(torch::kCPU, torch::kFloat64);
  const torch::Tensor mean = x.mean(0);
  const torch::Tensor centred = x - mean;
  return {mean, symmetrized(centred.transpose(0, 1).matmul(centred) / double(x.size(0) - 1))};
}

torch::Tensor symmetric_sqrt(const torch::Tensor& matrix) {
  const auto [values, vectors] = at::linalg_eigh(symmetrized(matrix), "L");
  return symmetrized((vectors * values.clamp_min(0.0).sqrt()).matmul(vectors.transpose(0, 1)));
}

double frechet_distance(const GaussianMoments& a, const GaussianMoments& b) {
  if (a.mean.sizes() != b.mean.sizes()) throw std::invalid_argument("Frechet distance needs features of one size");
  const torch::Tensor root_a = symmetric_sqrt(a.cov);
  const torch::Tensor inner = symmetrized(root_a.matmul(b.cov).matmul(root_a));
  const double trace_root = at::linalg_eigvalsh(inner, "L").clamp_min(0.0).sqrt().sum().item<double>();
  const double mean_term = (a.mean - b.mean).pow(2).sum().item<double>();
  return mean_term + a.cov.trace().item<double>() + b.cov.trace().item<double>() - 2.0 * trace_root;
}

double frechet_distance(const torch::Tensor& features_a, const torch::Tensor& features_b) {
  return frechet_distance(feature_moments(features_a), feature_moments(features_b));
}

}  // namespace eddpm
