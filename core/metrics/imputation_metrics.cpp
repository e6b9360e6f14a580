#include "imputation_metrics.h"

#include <cmath>
#include <stdexcept>

#include <torch/torch.h>

namespace eddpm {

torch::Tensor crps_quantile_levels() {
  return torch::arange(1, 20, torch::kFloat64) * 0.05;
}

ImputationScores score_imputations(const torch::Tensor& samples, const torch::Tensor& truth,
                                   const torch::Tensor& scored) {
  if (samples.dim() != truth.dim() + 1 || samples.sizes().slice(1) != truth.sizes() ||
      scored.sizes() != truth.sizes())
    throw std::invalid_argument("score_imputations: samples are (S, ...) over the truth's (...) shape");
  const torch::Tensor mask = scored.to(torch::kBool).flatten();
  const int64_t n = mask.sum().item<int64_t>();
  if (n == 0) throw std::invalid_argument("score_imputations: no point to score");
  const torch::Tensor y = truth.to(torch::kFloat64).flatten().masked_select(mask);               // (n)
  const torch::Tensor x = samples.to(torch::kFloat64).flatten(1).index({torch::indexing::Slice(), mask});  // (S, n)

  ImputationScores scores;
  const torch::Tensor median = torch::quantile(x, 0.5, 0);
  const torch::Tensor error = median - y;
  scores.mae = error.abs().mean().item<double>();
  scores.rmse = error.pow(2).mean().sqrt().item<double>();

  // torch::quantile interpolates linearly between order statistics, as CSDI's torch.quantile does.
  const torch::Tensor levels = crps_quantile_levels();
  const torch::Tensor q = torch::quantile(x, levels, 0);  // (19, n)
  const torch::Tensor below = (y <= q).to(torch::kFloat64);
  const torch::Tensor loss = 2 * ((q - y) * (below - levels.unsqueeze(1))).abs();  // (19, n)
  const double total = loss.sum().item<double>() / static_cast<double>(levels.size(0));
  scores.crps_per_point = total / static_cast<double>(n);
  const double size = y.abs().sum().item<double>();
  scores.crps = size > 0 ? total / size : std::nan("");
  return scores;
}

double gaussian_crps(double mean, double sd, double y) {
  const double z = (y - mean) / sd;
  const double pdf = std::exp(-0.5 * z * z) / std::sqrt(2 * M_PI);
  const double cdf = 0.5 * std::erfc(-z / std::sqrt(2.0));
  return sd * (z * (2 * cdf - 1) + 2 * pdf - 1 / std::sqrt(M_PI));
}

}  // namespace eddpm
