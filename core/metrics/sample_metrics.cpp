#include "sample_metrics.h"

#include <algorithm>
#include <stdexcept>

#include "rng.h"

namespace eddpm {

namespace {
torch::Tensor as_rows(const torch::Tensor& x) { return x.reshape({x.size(0), -1}).to(torch::kFloat64); }
}  // namespace

double sliced_wasserstein(const torch::Tensor& a, const torch::Tensor& b, int projections, uint64_t seed) {
  const torch::Tensor x = as_rows(a), y = as_rows(b).to(x.device());
  if (x.size(0) != y.size(0) || x.size(1) != y.size(1))
    throw std::invalid_argument("sliced Wasserstein needs two sets of the same size and dimension");
  at::Generator gen = make_cpu_generator(seed);
  torch::Tensor dirs = torch::randn({x.size(1), projections}, gen, torch::kFloat64);
  dirs = (dirs / dirs.norm(2, 0, true)).to(x.device());
  const torch::Tensor px = std::get<0>(x.matmul(dirs).sort(0));
  const torch::Tensor py = std::get<0>(y.matmul(dirs).sort(0));
  return std::sqrt((px - py).pow(2).mean().item<double>());
}

double mmd_rbf(const torch::Tensor& a, const torch::Tensor& b, int64_t max_rows) {
  const torch::Tensor x = as_rows(a.narrow(0, 0, std::min(a.size(0), max_rows)));
  const torch::Tensor y = as_rows(b.narrow(0, 0, std::min(b.size(0), max_rows))).to(x.device());
  const torch::Tensor pooled = torch::cat({x, y}, 0);
  const torch::Tensor d2 = torch::cdist(pooled, pooled).pow(2);
  const int64_t n = x.size(0), m = y.size(0), total = n + m;
  const torch::Tensor upper = d2.masked_select(torch::ones({total, total}, torch::kBool).to(x.device()).triu(1));
  const double median = upper.numel() > 0 ? upper.sqrt().median().item<double>() : 1.0;
  const double h2 = median > 0 ? median * median : 1.0;
  const torch::Tensor k = torch::exp(-d2 / (2.0 * h2));
  const torch::Tensor kxx = k.slice(0, 0, n).slice(1, 0, n);
  const torch::Tensor kyy = k.slice(0, n, total).slice(1, n, total);
  const torch::Tensor kxy = k.slice(0, 0, n).slice(1, n, total);
  return (kxx.mean() + kyy.mean() - 2.0 * kxy.mean()).item<double>();
}

double paired_mean_squared(const torch::Tensor& a, const torch::Tensor& b) {
  const torch::Tensor x = as_rows(a), y = as_rows(b).to(x.device());
  if (x.sizes() != y.sizes()) throw std::invalid_argument("paired distance needs sets of the same shape");
  return (x - y).pow(2).mean().item<double>();
}

}  // namespace eddpm
