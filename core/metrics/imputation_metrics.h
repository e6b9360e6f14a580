#pragma once
// How good imputations are, scored at the hidden points only, as CSDI scores them: MAE and RMSE
// of the sample median, and CRPS of the samples in CSDI's quantile-loss form.
#include <torch/types.h>

namespace eddpm {

// The 19 quantile levels 0.05, 0.10, ..., 0.95 of CSDI's CRPS.
torch::Tensor crps_quantile_levels();

// samples: (S, ...) imputations; truth: (...) the true values; scored: (...) bool, the points to
// score (the hidden ones). Every figure averages over the scored points; no point scored throws.
struct ImputationScores {
  double mae = 0;   // |median - truth|
  double rmse = 0;  // sqrt of the mean of (median - truth)^2
  // CSDI's CRPS: sum over scored points and quantile levels q of 2 |(Q_q - y)(1{y <= Q_q} - q)|,
  // divided by 19 and by the sum of |y|. Unitless (it is divided by the truth's size), so the same
  // set scores differently in original and standardized units.
  double crps = 0;
  // The same quantile losses divided by the number of scored points instead of the sum of |y|:
  // the usual CRPS in the data's units (within the 19 levels' discretization: 4-5% above the
  // exact value for a Gaussian), comparable with MAE.
  double crps_per_point = 0;
};
ImputationScores score_imputations(const torch::Tensor& samples, const torch::Tensor& truth,
                                   const torch::Tensor& scored);

// The exact CRPS of a normal N(mean, sd^2) forecast for the value y (the closed form the tests hold
// the quantile form to).
double gaussian_crps(double mean, double sd, double y);

}  // namespace eddpm
