#include "mask_gradient.h"

#include <algorithm>

#include <ATen/Parallel.h>

#include "mask_row_kernels.h"

namespace eddpm {

namespace {
// sum_b a_b m_bt for uint8 CPU masks, without widening the (B, T) masks to float64. Threads take
// ranges of timesteps, each summed over the rows in the same order, so the result does not depend
// on them.
torch::Tensor advantage_weighted_counts(const torch::Tensor& masks, const torch::Tensor& a) {
  const torch::Tensor m = masks.contiguous();
  const torch::Tensor a64 = a.to(torch::kCPU, torch::kFloat64).contiguous();
  const int64_t rows = m.size(0), T = m.size(1);
  torch::Tensor sums = torch::zeros({T}, torch::kFloat64);
  double* out = sums.data_ptr<double>();
  const uint8_t* bytes = m.data_ptr<uint8_t>();
  const double* weights = a64.data_ptr<double>();
  // Rows are drawn alike, so the first few tell how dense all are; the choice depends on the masks
  // alone, not on how the threads split the steps.
  size_t sampled_ones = 0;
  const int64_t sampled_rows = std::min<int64_t>(rows, 8);
  for (int64_t b = 0; b < sampled_rows; ++b)
    mask_rows::for_each_one(bytes + b * T, size_t(T), [&](size_t) { ++sampled_ones; });
  const bool sparse = 64 * sampled_ones < size_t(sampled_rows * T);  // where visiting the ones is cheaper
  at::parallel_for(0, T, 256, [&](int64_t begin, int64_t end) {
    const auto add = sparse ? mask_rows::add_weighted_sparse_rows : mask_rows::add_weighted_rows;
    add(bytes + begin, size_t(T), weights, size_t(rows), out + begin, size_t(end - begin));
  });
  return sums;
}
}  // namespace

torch::Tensor draw_masks(const torch::Tensor& s, int64_t rows, bool pin_last, at::Generator& gen) {
  const int64_t T = s.size(0);
  torch::Tensor probs = s.to(torch::kFloat64).clamp(0.0, 1.0).unsqueeze(0).expand({rows, T}).contiguous();
  if (pin_last) probs.select(1, T - 1).fill_(1.0);
  torch::Tensor masks = torch::bernoulli(probs, gen);
  if (pin_last) return masks;
  // Unpinned masks may come out empty: draw those rows again. Needs a host read per round.
  for (int round = 0; round < 1000; ++round) {
    const torch::Tensor empty = masks.sum(1) == 0;
    if (!empty.any().item<bool>()) return masks;
    masks = torch::where(empty.unsqueeze(1), torch::bernoulli(probs, gen), masks);
  }
  // s is (almost) all zero: keep the most probable step so training can go on.
  const torch::Tensor empty = (masks.sum(1) == 0).unsqueeze(1);
  const torch::Tensor fallback = torch::zeros_like(masks).scatter_(1, probs.argmax(1, true), 1.0);
  return torch::where(empty, fallback, masks);
}

torch::Tensor pick_kept_timesteps(const torch::Tensor& masks, at::Generator& gen) {
  // argmax of m / q with q ~ Exp(1) is uniform among the kept steps: what torch::multinomial does
  // for one draw, with the same random numbers, less its validity checks that read the host.
  const torch::Tensor q = torch::empty_like(masks, masks.options().dtype(torch::kFloat64)).exponential_(1.0, gen);
  return (masks.to(torch::kFloat64) / q).argmax(1);
}

torch::Tensor levels_under_masks(const torch::Tensor& masks, const torch::Tensor& betas,
                                 const torch::Tensor& alpha_bars, Semantics semantics) {
  if (semantics == Semantics::Jump) return alpha_bars.unsqueeze(0).expand(masks.sizes());
  return torch::exp(torch::cumsum(torch::log1p(-betas.unsqueeze(0) * masks), 1));
}

KeptLevels kept_levels_at(const torch::Tensor& masks, const torch::Tensor& levels, const torch::Tensor& t) {
  const int64_t T = masks.size(1);
  const torch::Tensor positions = torch::arange(T, t.options()).unsqueeze(0);
  const torch::Tensor earlier_kept = (masks > 0) & (positions < t.unsqueeze(1));
  const torch::Tensor prev = torch::where(earlier_kept, positions, torch::full_like(positions, -1)).amax(1);
  const torch::Tensor top = torch::where(masks > 0, positions, torch::full_like(positions, -1)).amax(1);
  KeptLevels at;
  at.t = t;
  at.level_t = levels.gather(1, t.unsqueeze(1)).squeeze(1);
  at.has_prev = prev >= 0;
  at.level_prev = levels.gather(1, prev.clamp_min(0).unsqueeze(1)).squeeze(1);
  at.level_top = levels.gather(1, top.unsqueeze(1)).squeeze(1);
  at.kept = masks.sum(1).to(torch::kFloat64);
  return at;
}

ElboTerms elbo_terms(const KeptLevels& at, const torch::Tensor& x0, double sigma0) {
  const torch::Tensor& a_t = at.level_t;
  const torch::Tensor& a_prev = at.level_prev;
  const torch::Tensor snr_t = a_t / (1.0 - a_t);
  const torch::Tensor snr_prev = torch::where(at.has_prev, a_prev / (1.0 - a_prev),
                                              torch::full_like(a_prev, 1.0 / (sigma0 * sigma0)));
  ElboTerms terms;
  terms.jump_weight = at.kept * (0.5 * (snr_prev / snr_t - 1.0)).clamp_min(0.0);
  const torch::Tensor a_k = at.level_top.unsqueeze(1);
  const torch::Tensor x0_sq = x0.reshape({x0.size(0), -1}).to(torch::kFloat64).pow(2);
  terms.prior = (0.5 * (a_k * x0_sq + (1.0 - a_k) - 1.0 - torch::log(1.0 - a_k))).mean(1);
  return terms;
}

ElboTerms elbo_terms(const torch::Tensor& masks, const torch::Tensor& levels, const torch::Tensor& t,
                     const torch::Tensor& x0, double sigma0) {
  return elbo_terms(kept_levels_at(masks, levels, t), x0, sigma0);
}

torch::Tensor advantages(const torch::Tensor& rewards, BaselineKind baseline, const torch::Tensor& ema) {
  switch (baseline) {
    case BaselineKind::None:
      return rewards;
    case BaselineKind::LeaveOneOut: {
      const int64_t n = rewards.size(0);
      if (n < 2) return rewards - ema;
      return rewards - (rewards.sum() - rewards) / double(n - 1);
    }
    case BaselineKind::Ema:
      return rewards - ema;
  }
  return rewards;
}

torch::Tensor advantages_on_host(const torch::Tensor& rewards, BaselineKind baseline, double ema) {
  const torch::Tensor r = rewards.to(torch::kCPU, torch::kFloat64).contiguous();
  const int64_t n = r.size(0);
  torch::Tensor a = torch::empty_like(r);
  const double* pr = r.data_ptr<double>();
  double* pa = a.data_ptr<double>();
  const double sum = baseline == BaselineKind::LeaveOneOut && n >= 2 ? r.sum().item<double>() : 0.0;
  for (int64_t b = 0; b < n; ++b) {
    double base = 0.0;
    if (baseline == BaselineKind::Ema || (baseline == BaselineKind::LeaveOneOut && n < 2)) base = ema;
    else if (baseline == BaselineKind::LeaveOneOut) base = (sum - pr[b]) / double(n - 1);
    pa[b] = pr[b] - base;
  }
  return a;
}

torch::Tensor score_function_gradient(const torch::Tensor& masks, const torch::Tensor& s,
                                      const torch::Tensor& advantage, double delta) {
  // sum_b A_b (m_bt / s_t - (1 - m_bt) / (1 - s_t)) = (A.m)_t (1/s_t + 1/(1-s_t)) - sum(A) / (1-s_t):
  // one matrix-vector product instead of a (B, T) temporary.
  const torch::Tensor a = advantage.to(torch::kFloat64);
  const double rows = double(masks.size(0));
  const torch::Tensor sc = s.to(torch::kFloat64).clamp(delta, 1.0 - delta);
  const torch::Tensor kept = masks.to(torch::kFloat64).t().mv(a);
  return (kept * (1.0 / sc + 1.0 / (1.0 - sc)) - a.sum() / (1.0 - sc)) / rows;
}

torch::Tensor score_function_gradient_on_host(const torch::Tensor& masks, const torch::Tensor& s,
                                              const torch::Tensor& advantage, double delta) {
  const torch::Tensor a = advantage.to(torch::kCPU, torch::kFloat64).contiguous();
  // Byte masks (the fused draw's) are summed without widening them to float64.
  torch::Tensor g = masks.scalar_type() == torch::kByte ? advantage_weighted_counts(masks, a)
                                                         : masks.to(torch::kFloat64).t().mv(a).contiguous();
  const torch::Tensor s64 = s.to(torch::kCPU, torch::kFloat64).contiguous();
  const double rows = double(masks.size(0));
  const double a_sum = a.sum().item<double>();
  const double* ps = s64.data_ptr<double>();
  double* pg = g.data_ptr<double>();
  for (int64_t t = 0; t < g.numel(); ++t) {
    const double sc = std::clamp(ps[t], delta, 1.0 - delta);
    pg[t] = (pg[t] * (1.0 / sc + 1.0 / (1.0 - sc)) - a_sum / (1.0 - sc)) / rows;
  }
  return g;
}

}  // namespace eddpm
